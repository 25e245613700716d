"""`python manage.py rotate_encryption_key`: re-encrypt every encrypted field under the first key.

Set FIELD_ENCRYPTION_KEY="NEW,OLD" first (the old key still reads, the new one writes); see
docs/key-rotation.md for the whole procedure.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.crypto import field_keys
from privacy.services.keys import rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field (and stored exports) under the first FIELD_ENCRYPTION_KEY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only count values still under an old key; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keys = field_keys()
        if len(keys) < 2 and not options["check"]:
            self.stdout.write(
                self.style.WARNING("FIELD_ENCRYPTION_KEY lists one key: values under any other key cannot be read.")
            )
        report = rotate(dry_run=options["check"])
        counts = report.under_old_key if options["check"] else report.rotated
        for label in sorted(counts):
            line = f"{label}: {counts[label]}"
            if report.unreadable.get(label):
                line += f" ({report.unreadable[label]} unreadable under every configured key)"
            self.stdout.write(line)
        total = sum(counts.values())
        verb = "still under an old key" if options["check"] else "re-encrypted"
        self.stdout.write(
            f"{total} value(s) {verb}; {report.exports} stored export(s); {report.second_factors} second factor(s); "
            f"{report.files} private file(s)."
        )
        if not report.ok:
            raise CommandError(
                "Some values cannot be decrypted with any key in FIELD_ENCRYPTION_KEY: add the key they were "
                "written with (after the new one) and run again. Nothing was lost."
            )
        if not options["check"]:
            self.stdout.write(self.style.SUCCESS("Done: every value is under the first key; the old key can go."))
