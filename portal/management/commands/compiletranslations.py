"""`python manage.py compiletranslations`: compile every .po catalogue to .mo, without GNU gettext.

Django's `compilemessages` needs `msgfmt`; this pure-Python equivalent (polib) lets `make run`
work on any machine with Python. Fuzzy entries are left out, as msgfmt does.
"""

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues() -> list[Path]:
    """Every .po file of the project: locale/ and each app's own locale/."""
    base = Path(settings.BASE_DIR)
    return sorted(p for p in base.glob("**/locale/*/LC_MESSAGES/*.po") if ".venv" not in p.parts)


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po -> .mo) with polib."

    def handle(self, *args: Any, **options: Any) -> None:
        paths = catalogues()
        for path in paths:
            catalogue = polib.pofile(str(path))
            for entry in catalogue.fuzzy_entries():
                catalogue.remove(entry)
            catalogue.save_as_mofile(str(path.with_suffix(".mo")))
        self.stdout.write(f"Compiled {len(paths)} catalogue(s).")
