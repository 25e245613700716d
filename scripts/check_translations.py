"""Fail when a string marked for translation has no French or Arabic translation, or a fuzzy one.

The catalogues are regenerated from the code in a throwaway copy of the project (as
scripts/makemessages.sh does), so a string added without updating its catalogue fails too. Each app
(a top-level folder with an apps.py, `portal` aside) has its catalogue in `<app>/locale/`; the
project's is `locale/`. Run: `.venv/bin/python scripts/check_translations.py` (pre-commit, `make lint`).
Needs GNU gettext (`xgettext`, `msgmerge`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "ar")
SKIP_DIRS = {".venv", ".git", "var", "tests", "bench", "staticfiles", "docs", "node_modules", "__pycache__"}
SUFFIXES = {".py", ".html", ".txt", ".po", ".js"}


def apps(base_dir: Path = BASE_DIR) -> list[str]:
    """Our apps with their own catalogue: every top-level folder with an apps.py but the project's."""
    return sorted(path.parent.name for path in base_dir.glob("*/apps.py") if path.parent.name != "portal")


def copy_sources(target: Path, base_dir: Path = BASE_DIR) -> None:
    """Copy what makemessages reads (code, templates, catalogues) into target."""
    for path in base_dir.rglob("*"):
        relative = path.relative_to(base_dir)
        if set(relative.parts) & SKIP_DIRS or not path.is_file():
            continue
        if path.suffix in SUFFIXES:
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
    for app in apps(base_dir):
        (target / app / "locale").mkdir(parents=True, exist_ok=True)
    (target / "locale").mkdir(exist_ok=True)


def untranslated(catalogue: polib.POFile) -> list[str]:
    """The msgids of a catalogue that have no translation or a fuzzy one."""
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        empty = not entry.msgstr if not entry.msgid_plural else not all(entry.msgstr_plural.values())
        if empty or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
    return missing


def regenerate(target: Path) -> subprocess.CompletedProcess:
    """Run makemessages in target (a copy made by copy_sources), as scripts/makemessages.sh does."""
    languages = [arg for language in LANGUAGES for arg in ("-l", language)]
    return subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [sys.executable, "-m", "django", "makemessages", *languages, "--no-obsolete", "--no-location"],
        cwd=target,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(target)},
    )


def problems(target: Path) -> dict[str, list[str]]:
    """For each regenerated catalogue under target, its first untranslated or fuzzy strings."""
    found = {}
    for po_path in sorted(target.glob("**/locale/*/LC_MESSAGES/django.po")):
        missing = untranslated(polib.pofile(str(po_path)))
        if missing:
            found[str(po_path.relative_to(target))] = missing[:10]
    return found


def main() -> int:
    if shutil.which("xgettext") is None:
        print("GNU gettext is needed to extract strings: run `make system-deps`.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="portal-translations-") as tmp:
        target = Path(tmp)
        copy_sources(target)
        result = regenerate(target)
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return 2
        found = problems(target)
    if not found:
        return 0
    print("Untranslated or fuzzy strings (run scripts/makemessages.sh, then translate):", file=sys.stderr)
    for path, msgids in found.items():
        print(f"  {path}:", file=sys.stderr)
        for msgid in msgids:
            print(f"    {msgid!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
