"""Scheduled jobs as django-celery-beat rows, created by the apps' data migrations (hence the `apps` registry)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def ensure_interval_tasks(apps: Any, tasks: dict[str, tuple[str, int]], *, period: str = "minutes") -> None:
    """Create each `name -> (task, every N periods)` job that is missing; leave existing ones (and staff edits to
    them) alone."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, every) in tasks.items():
        interval, _created = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


def ensure_crontab_tasks(apps: Any, tasks: dict[str, tuple[str, int, int]]) -> None:
    """Create each `name -> (task, hour, minute)` daily job (local time, CELERY_TIMEZONE) that is missing; leave
    existing ones (and staff edits to them) alone."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, hour, minute) in tasks.items():
        schedule, _created = CrontabSchedule.objects.get_or_create(
            minute=str(minute),
            hour=str(hour),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.CELERY_TIMEZONE,
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": schedule})
