"""The privacy domain's nightly jobs, as django-celery-beat rows. Created by a data migration;
`ensure_schedules` is idempotent and takes an apps registry (see portal/schedules.py)."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps

from portal.schedules import ensure_crontab_tasks

#: name -> (task, hour, minute), local time (CELERY_TIMEZONE)
NIGHTLY = {
    "Nightly backup": ("privacy.tasks.nightly_backup", 2, 30),
    "Purge expired personal data": ("privacy.tasks.purge_expired", 3, 15),
}


def ensure_schedules(apps: Any = global_apps) -> None:
    """Create the nightly jobs that are missing; leave existing ones (and staff edits to them) alone."""
    ensure_crontab_tasks(apps, NIGHTLY)
