"""Every string marked for translation has a French and an Arabic translation.

The catalogues are regenerated from the code in a copy of the project (as
scripts/makemessages.sh does), so a string added without updating its catalogue fails here too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", ".git", "var", "tests", "bench", "staticfiles", "docs", "node_modules", "__pycache__"}
APPS = ["audit", "merchants", "orders", "payments", "branding", "shipping", "privacy"]


def _copy_sources(target: Path) -> None:
    for path in BASE_DIR.rglob("*"):
        relative = path.relative_to(BASE_DIR)
        if set(relative.parts) & SKIP_DIRS or not path.is_file():
            continue
        if path.suffix in {".py", ".html", ".txt", ".po", ".js"}:
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
    for app in APPS:
        (target / app / "locale").mkdir(parents=True, exist_ok=True)
    (target / "locale").mkdir(exist_ok=True)


def untranslated(catalogue: polib.POFile) -> list[str]:
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        empty = not entry.msgstr if not entry.msgid_plural else not all(entry.msgstr_plural.values())
        if empty or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
    return missing


def test_every_marked_string_is_translated_to_french_and_arabic(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is needed to extract strings: run `make system-deps`.")
    _copy_sources(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "-l", "ar", "--no-obsolete", "--no-location"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    problems = {}
    for po_path in sorted(tmp_path.glob("**/locale/*/LC_MESSAGES/django.po")):
        missing = untranslated(polib.pofile(str(po_path)))
        if missing:
            problems[str(po_path.relative_to(tmp_path))] = missing[:10]
    assert not problems, f"Untranslated or fuzzy strings (run scripts/makemessages.sh, then translate): {problems}"
    assert (tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po").exists()
