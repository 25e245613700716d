"""The rows the data migrations create (rates, the minimum policy, payment methods, scheduled jobs), put back
after a transactional test flushed the database: each seeding migration's own `seed`, run again."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.apps import apps

SEEDS = (
    ("orders", "0002_reference_data"),
    ("payments", "0002_reference_data"),
    ("privacy", "0002_schedules"),
    ("shipping", "0002_schedules"),
)


def seed_migration(app: str, name: str) -> ModuleType:
    return import_module(f"{app}.migrations.{name}")


def ensure_reference_data() -> None:
    """Create what is missing of every app's seeded rows (idempotent, like the migrations themselves)."""
    for app, name in SEEDS:
        seed_migration(app, name).seed(apps, None)
