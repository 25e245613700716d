"""`python manage.py store_logo_fingerprints logo.png [logo.svg.png ...]`: the leak guard's settings for logos.

Prints `STORE_LOGO_SHA256` (the files) and `STORE_LOGO_PERCEPTUAL_HASHES` (their drawings) for the
environment, so that white-label documents and brand kits refuse the store's logo and any copy of it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.leak_guard import perceptual_hash


class Command(BaseCommand):
    help = "Print the environment lines that make the leak guard recognise these logo files (PNG, JPEG, WebP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        digests, hashes = [], []
        for path in options["files"]:
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror}") from exc
            drawing = perceptual_hash(content)
            if drawing is None:
                raise CommandError(f"{path}: not an image with a drawing (PNG, JPEG or WebP)")
            digests.append(hashlib.sha256(content).hexdigest())
            hashes.append(drawing)
        self.stdout.write(f"STORE_LOGO_SHA256={','.join(digests)}")
        self.stdout.write(f"STORE_LOGO_PERCEPTUAL_HASHES={','.join(hashes)}")
