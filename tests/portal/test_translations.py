"""Every string marked for translation has a French and an Arabic translation.

The catalogues are regenerated from the code in a copy of the project (as
scripts/makemessages.sh does), so a string added without updating its catalogue fails here too.
The same check runs as a command (scripts/check_translations.py) in pre-commit and `make lint`.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _check_translations():
    spec = importlib.util.spec_from_file_location("check_translations", BASE_DIR / "scripts" / "check_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_marked_string_is_translated_to_french_and_arabic(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is needed to extract strings: run `make system-deps`.")
    check = _check_translations()
    check.copy_sources(tmp_path)
    result = check.regenerate(tmp_path)
    assert result.returncode == 0, result.stderr
    problems = check.problems(tmp_path)
    assert not problems, f"Untranslated or fuzzy strings (run scripts/makemessages.sh, then translate): {problems}"
    assert (tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po").exists()


def test_the_check_covers_every_app_with_a_catalogue():
    assert set(_check_translations().apps()) >= {"merchants", "orders", "payments", "branding", "shipping", "privacy"}
