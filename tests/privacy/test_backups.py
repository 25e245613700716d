"""Backups: backup -> wipe -> restore gives back the same rows and private files (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from merchants.models import ApplicationDocument
from privacy.services.backups import MAGIC, backups_in, prune_backups
from tests.merchants.factories import ApplicationFactory


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
    after.pop("privacy.SecurityEvent")
    before.pop("privacy.SecurityEvent")
    assert after == before
    assert private_files() == files_before
    assert ApplicationDocument.objects.get().file.read() == b"%PDF-1.4 company registration"


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_round_trip_on_sqlite(tmp_path, settings):
    round_trip(tmp_path, settings)


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
