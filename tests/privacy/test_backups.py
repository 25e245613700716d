"""Backups: backup -> wipe -> restore gives back the same rows and private files (SQLite and PostgreSQL), and
a restore never brings back a member erased after the backup was taken.

The SQLite round trip runs the real commands in subprocesses on a SQLite file, whatever database the suite
itself runs on (PostgreSQL in CI), so the SQLite code path is exercised in every run.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - manage.py with an argument list, never a shell
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from merchants.models import Application, ApplicationDocument, User
from privacy.services import erasure
from privacy.services.backups import MAGIC, backups_in, prune_backups
from tests.factories import MembershipFactory, StaffFactory
from tests.merchants.factories import ApplicationFactory

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, as the application reads it (encrypted fields decrypted)."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def private_files() -> dict[str, bytes]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def some_data() -> None:
    application = ApplicationFactory(contact_name="Amina Idrissi", contact_phone="+212611223344", address="Fès")
    ApplicationDocument.objects.create(
        application=application,
        file=ContentFile(b"%PDF-1.4 company registration", name="applications/registration.pdf"),
        original_name="registration.pdf",
        content_type="application/pdf",
        size=29,
    )


def round_trip(tmp_path: Path, settings) -> None:
    settings.BACKUP_DIR = tmp_path / "backups"
    some_data()
    before, files_before = snapshot(), private_files()
    assert files_before

    out = StringIO()
    call_command("backup", stdout=out)
    (path,) = backups_in()
    raw = path.read_bytes()
    assert raw.startswith(MAGIC)
    assert b"Amina" not in raw and b"company registration" not in raw, "the backup is encrypted"

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT)
    assert snapshot()["merchants.Application"] == []

    call_command("restore", str(path), "--yes", stdout=out)
    after = snapshot()
    after.pop("audit.SecurityEvent")
    before.pop("audit.SecurityEvent")
    assert after == before
    assert private_files() == files_before
    assert ApplicationDocument.objects.get().file.read() == b"%PDF-1.4 company registration"


# SQLite, in subprocesses: the portal as an operator runs it, on a SQLite file of its own.

SNAPSHOT = """
import json
from django.db import connection
from tests.privacy.test_backups import private_files, snapshot
rows = snapshot()
rows.pop("audit.SecurityEvent")
print(json.dumps({
    "vendor": connection.vendor,
    "rows": {label: repr(values) for label, values in rows.items()},
    "files": {name: content.hex() for name, content in private_files().items()},
}))
"""


def sqlite_env(folder: Path, settings, **overrides: str) -> dict[str, str]:
    """The environment of a portal on a SQLite file in `folder`, with the suite's keys."""
    keys = settings.FIELD_ENCRYPTION_KEY
    return {
        **os.environ,
        "DJANGO_ENV": "development",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_RESULT_BACKEND": "cache+memory://",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_URL": "consolemail://",
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "BACKUP_DIR": str(folder / "backups"),
        "SECRET_KEY": settings.SECRET_KEY,
        "HMAC_KEY": settings.HMAC_KEY,
        "FIELD_ENCRYPTION_KEY": keys if isinstance(keys, str) else ",".join(keys),
        "BACKUP_ENCRYPTION_KEY": settings.BACKUP_ENCRYPTION_KEY,
        **overrides,
    }


def manage(env: dict[str, str], *args: str) -> str:
    """Run `manage.py <args>` in a subprocess; its standard output, or the test fails with its errors."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(MANAGE), *args],
        cwd=MANAGE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite database with every migration applied, made once and copied by each test."""
    from django.conf import settings as django_settings

    folder = tmp_path_factory.mktemp("sqlite-template")
    manage(sqlite_env(folder, django_settings), "migrate", "--no-input", "--verbosity=0")
    return folder / "db.sqlite3"


def sqlite_portal(tmp_path: Path, migrated_sqlite: Path, settings, **overrides: str) -> dict[str, str]:
    """A fresh copy of the migrated SQLite database in tmp_path, and the environment that uses it."""
    folder = tmp_path / "sqlite"
    folder.mkdir()
    shutil.copy(migrated_sqlite, folder / "db.sqlite3")
    return sqlite_env(folder, settings, **overrides)


def test_backup_wipe_restore_round_trip_on_sqlite(tmp_path, settings, migrated_sqlite):
    env = sqlite_portal(tmp_path, migrated_sqlite, settings)
    manage(env, "shell", "--no-imports", "-c", "from tests.privacy.test_backups import some_data; some_data()")
    before = json.loads(manage(env, "shell", "--no-imports", "-c", SNAPSHOT))
    assert before["vendor"] == "sqlite"
    assert before["files"] and "Amina Idrissi" in before["rows"]["merchants.Application"]

    manage(env, "backup")
    (path,) = Path(env["BACKUP_DIR"]).glob("portal-*.backup")
    raw = path.read_bytes()
    assert raw.startswith(MAGIC)
    assert b"Amina" not in raw and b"company registration" not in raw, "the backup is encrypted"

    manage(env, "flush", "--no-input")
    shutil.rmtree(env["PRIVATE_MEDIA_ROOT"])
    with sqlite3.connect(Path(env["DATABASE_URL"].removeprefix("sqlite:///"))) as db:
        assert db.execute("SELECT count(*) FROM merchants_application").fetchone() == (0,)

    out = manage(env, "restore", str(path), "--yes")
    assert "Restored" in out
    assert json.loads(manage(env, "shell", "--no-imports", "-c", SNAPSHOT)) == before


@pytest.mark.services(needs=("postgres",))
@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_round_trip_on_postgresql(tmp_path, settings):
    round_trip(tmp_path, settings)


# SQLite's backup API reads the database from outside any open transaction: these tests commit.
@pytest.mark.django_db(transaction=True)
def test_a_backup_under_another_key_is_refused_and_nothing_is_touched(tmp_path, settings):
    from cryptography.fernet import Fernet

    settings.BACKUP_DIR = tmp_path
    call_command("backup", stdout=StringIO())
    (path,) = backups_in()
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    some_data()
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("restore", str(path), "--yes")
    assert ApplicationDocument.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_keeps_the_configured_number_of_backups(tmp_path, settings):
    from privacy.tasks import nightly_backup

    settings.BACKUP_DIR = tmp_path
    settings.BACKUP_KEEP = 2
    names = [nightly_backup.delay().get() for _ in range(3)]
    assert [p.name for p in backups_in()] == names[1:]
    assert prune_backups(keep=1) == [tmp_path / names[1]]


@pytest.mark.django_db(transaction=True)
def test_restore_asks_before_replacing_everything(tmp_path, settings, monkeypatch):
    settings.BACKUP_DIR = tmp_path
    call_command("backup", stdout=StringIO())
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore")


def erase(user: User) -> None:
    """The member asks for erasure and the security role approves it."""
    request = erasure.request_erasure(user=user)
    erasure.approve(erasure=request, by=StaffFactory())


@pytest.mark.django_db(transaction=True)
def test_a_member_erased_after_a_backup_stays_erased_when_that_backup_is_restored(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    member = MembershipFactory(user__email="noura.journal@example.test", user__full_name="Noura Journal")
    ApplicationFactory(
        applicant=member.user, merchant=member.merchant, contact_name="Noura Journal", contact_phone="+966500000077"
    )
    colleague = MembershipFactory(user__full_name="Hala Stays")  # not erased: comes back with the backup
    call_command("backup", stdout=StringIO())
    (path,) = backups_in()

    erase(member.user)
    assert User.objects.get(pk=member.user_id).email != "noura.journal@example.test"
    journal = erasure.journal_path().read_text()
    assert f'"user_id": {member.user_id}' in journal and "noura" not in journal.lower()

    out = StringIO()
    call_command("restore", str(path), "--yes", stdout=out)
    assert "Erased again 1 member(s)" in out.getvalue()
    user = User.objects.get(pk=member.user_id)
    assert (user.email, user.full_name, user.is_active) == (f"erased-{user.pk}@invalid.example", "", False)
    assert not Application.objects.filter(contact_name="Noura Journal").exists()
    assert not Application.objects.filter(contact_phone="+966500000077").exists()
    assert User.objects.get(pk=colleague.user_id).full_name == "Hala Stays"
    assert erasure.open_request(user=user) is None, "the request restored as waiting is closed"


@pytest.mark.django_db(transaction=True)
def test_the_journal_never_erases_a_newer_account_that_reuses_an_erased_id(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    member = MembershipFactory(user__full_name="Reused Id")
    erasure.journal_erasure(user_id=member.user_id, joined_at=member.user.date_joined - timedelta(days=3))
    assert erasure.reapply_journaled_erasures() == []
    assert User.objects.get(pk=member.user_id).full_name == "Reused Id"
