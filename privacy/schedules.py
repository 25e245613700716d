"""The privacy domain's nightly jobs, as django-celery-beat rows. Created by a data migration;
`ensure_schedules` is idempotent and takes an apps registry, like orders.reference."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps

#: name -> (task, hour, minute), local time (CELERY_TIMEZONE)
NIGHTLY = {
    "Nightly backup": ("privacy.tasks.nightly_backup", 2, 30),
    "Purge expired personal data": ("privacy.tasks.purge_expired", 3, 15),
}


def ensure_schedules(apps: Any = global_apps) -> None:
    """Create the nightly jobs that are missing; leave existing ones (and staff edits to them) alone."""
    from django.conf import settings

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, hour, minute) in NIGHTLY.items():
        schedule, _created = CrontabSchedule.objects.get_or_create(
            minute=str(minute),
            hour=str(hour),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.CELERY_TIMEZONE,
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": schedule})
