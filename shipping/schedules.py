"""Shipping's scheduled jobs, as django-celery-beat rows. Created by a data migration; `ensure_schedules`
is idempotent and takes an apps registry, like orders.reference."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps

from portal.schedules import ensure_interval_tasks

#: name -> (task, every N minutes)
EVERY_MINUTES = {
    "Pull shipment tracking": ("shipping.tasks.pull_tracking", 30),
    "Requeue stalled shipments": ("shipping.tasks.requeue_stalled_shipments", 10),
}


def ensure_schedules(apps: Any = global_apps) -> None:
    """Create the shipping jobs that are missing; leave existing ones (and staff edits to them) alone."""
    ensure_interval_tasks(apps, EVERY_MINUTES)
