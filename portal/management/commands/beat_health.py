"""`python manage.py beat_health`: exit 0 while the scheduler is dispatching, 1 when it has stalled.

The beat container's health check. Beat answers no ping, but with the database scheduler every job it sends
stamps `last_run_at` on its row; the shortest jobs run every few minutes (the payment-event sweep every 5),
so a newest stamp older than `--max-age` means beat is not dispatching. The health check's `start_period`
covers the first minutes after a start, before anything was due.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max
from django.utils import timezone
from django_celery_beat.models import PeriodicTask


class Command(BaseCommand):
    help = "Fail when no scheduled job has been dispatched for --max-age seconds (the beat health check)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-age", type=int, default=900, help="seconds (default 900)")

    def handle(self, *args: Any, **options: Any) -> None:
        newest = PeriodicTask.objects.filter(enabled=True).aggregate(newest=Max("last_run_at"))["newest"]
        limit = timezone.now() - timedelta(seconds=options["max_age"])
        if newest is None or newest < limit:
            raise CommandError(f"beat has dispatched nothing since {newest or 'it started'}")
        self.stdout.write(f"beat ok: last dispatch at {newest.isoformat()}")
