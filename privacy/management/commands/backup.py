"""`python manage.py backup`: an encrypted, timestamped backup of the database and the private files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.errors import BackupError
from privacy.services.backups import prune_backups, write_backup


class Command(BaseCommand):
    help = "Write an encrypted backup (database and private files) to BACKUP_DIR; optionally keep only the newest N."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, help="Folder to write to (default: BACKUP_DIR).")
        parser.add_argument(
            "--keep", type=int, help=f"Then delete all but the newest N (BACKUP_KEEP={settings.BACKUP_KEEP})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = write_backup(folder=options["dir"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({path.stat().st_size} bytes)"))
        if options["keep"] is not None:
            for old in prune_backups(keep=options["keep"], folder=options["dir"]):
                self.stdout.write(f"Deleted old backup: {old.name}")
