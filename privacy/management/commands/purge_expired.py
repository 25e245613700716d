"""`python manage.py purge_expired`: delete or anonymise what the personal-data registry says has expired."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from privacy.services.retention import purge_expired


class Command(BaseCommand):
    help = "Apply the retention periods of the personal-data registry now, and print the counts."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = purge_expired()
        for label, count in sorted(counts.items()):
            self.stdout.write(f"{label}: {count}")
        purged = sum(count for label, count in counts.items() if not label.endswith("(kept)"))
        self.stdout.write(self.style.SUCCESS(f"Purged {purged} expired record(s)."))
