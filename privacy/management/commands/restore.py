"""`python manage.py restore FILE`: replace the database and private files with those of a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.errors import BackupError
from privacy.services.backups import backups_in, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `backup`: the database and the private files are REPLACED. "
        "Stop the web server, worker and scheduler first. Members in the erasure journal (BACKUP_DIR/"
        "erasure-journal.jsonl) are erased again afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, help="The backup file (default: the newest in BACKUP_DIR).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if path is None:
            found = backups_in()
            if not found:
                raise CommandError("No backup found in BACKUP_DIR; give the file to restore.")
            path = found[-1]
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        if not options["yes"]:
            answer = input(f"Replace the database and private files with {path.name}? Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            manifest = restore_backup(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {path.name} (taken {manifest['created_at']}, {manifest['private_files']} private files)."
            )
        )
        if manifest["reerased"]:
            self.stdout.write(
                f"Erased again {len(manifest['reerased'])} member(s) of the erasure journal "
                "(erased after this backup was taken)."
            )
