"""Key rotation: every encrypted value re-encrypted under the new key while the old one still reads.

On SQLite the commands run in subprocesses on a SQLite file of their own, whatever database the suite runs
on (PostgreSQL in CI), so the SQLite path is exercised in every run."""

from __future__ import annotations

import json
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.crypto import field_keys
from audit.registry import encrypted_fields
from merchants.models import Application, User
from privacy.services.keys import _models
from tests.merchants.factories import ApplicationFactory
from tests.privacy.test_backups import manage, migrated_sqlite, sqlite_portal  # noqa: F401 - a fixture


def raw_tokens() -> list[str]:
    """Every stored value of every encrypted column, as it sits in the database."""
    tokens = []
    with connection.cursor() as cursor:
        for model in _models():
            columns = ", ".join(connection.ops.quote_name(f.column) for f in encrypted_fields(model))
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
            tokens += [value for row in cursor.fetchall() for value in row if value]
    return tokens


def readable_with(key: str, token: str) -> bool:
    try:
        Fernet(key).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate_and_check(settings) -> None:
    old = field_keys()[0]
    new = Fernet.generate_key().decode()
    application = ApplicationFactory(contact_name="Omar Chraibi", contact_phone="+212622334455", address="Tanger")
    application.applicant.full_name = "Omar Chraibi"
    application.applicant.save()
    before = raw_tokens()
    assert before and all(readable_with(old, t) for t in before)

    settings.FIELD_ENCRYPTION_KEY = [new, old]  # step 1: the new key writes, the old one still reads
    assert Application.objects.get().contact_name == "Omar Chraibi"
    out = StringIO()
    call_command("rotate_encryption_key", "--check", stdout=out)
    assert f"{len(before)} value(s) still under an old key" in out.getvalue()

    call_command("rotate_encryption_key", stdout=out)
    after = raw_tokens()
    assert len(after) == len(before) and all(readable_with(new, t) and not readable_with(old, t) for t in after)

    settings.FIELD_ENCRYPTION_KEY = [new]  # step 3: the old key is gone
    application = Application.objects.get()
    assert (application.contact_name, application.contact_phone, application.address) == (
        "Omar Chraibi",
        "+212622334455",
        "Tanger",
    )
    assert User.objects.get(pk=application.applicant_id).full_name == "Omar Chraibi"
    out = StringIO()
    call_command("rotate_encryption_key", "--check", stdout=out)
    assert "0 value(s) still under an old key" in out.getvalue()


SQLITE_DATA = """
from tests.merchants.factories import ApplicationFactory
application = ApplicationFactory(contact_name="Omar Chraibi", contact_phone="+212622334455", address="Tanger")
application.applicant.full_name = "Omar Chraibi"
application.applicant.save()
"""
SQLITE_READ = """
import json
from merchants.models import Application
application = Application.objects.get()
print(json.dumps([application.contact_name, application.contact_phone, application.address,
                  application.applicant.full_name]))
"""


def raw_tokens_in(database: Path) -> list[str]:
    """Every stored value of every encrypted column of a SQLite file, read with sqlite3 itself."""
    tokens = []
    with sqlite3.connect(database) as db:
        for model in _models():
            columns = ", ".join(f'"{f.column}"' for f in encrypted_fields(model))
            rows = db.execute(f'SELECT {columns} FROM "{model._meta.db_table}"').fetchall()  # noqa: S608
            tokens += [value for row in rows for value in row if value]
    return tokens


def test_rotation_on_sqlite(tmp_path, settings, migrated_sqlite):  # noqa: F811 - the fixture imported above
    old, new = field_keys()[0], Fernet.generate_key().decode()
    env = sqlite_portal(tmp_path, migrated_sqlite, settings, FIELD_ENCRYPTION_KEY=old)
    database = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    manage(env, "shell", "--no-imports", "-c", SQLITE_DATA)
    before = raw_tokens_in(database)
    assert before and all(readable_with(old, t) for t in before)

    env["FIELD_ENCRYPTION_KEY"] = f"{new},{old}"  # step 1: the new key writes, the old one still reads
    assert f"{len(before)} value(s) still under an old key" in manage(env, "rotate_encryption_key", "--check")
    manage(env, "rotate_encryption_key")
    after = raw_tokens_in(database)
    assert len(after) == len(before) and all(readable_with(new, t) and not readable_with(old, t) for t in after)

    env["FIELD_ENCRYPTION_KEY"] = new  # step 3: the old key is gone
    assert json.loads(manage(env, "shell", "--no-imports", "-c", SQLITE_READ)) == [
        "Omar Chraibi",
        "+212622334455",
        "Tanger",
        "Omar Chraibi",
    ]
    assert "0 value(s) still under an old key" in manage(env, "rotate_encryption_key", "--check")


@pytest.mark.services(needs=("postgres",))
@pytest.mark.django_db(transaction=True)
def test_rotation_on_postgresql(settings):
    rotate_and_check(settings)


@pytest.mark.django_db
def test_a_value_under_an_unknown_key_stops_the_rotation_loudly_and_is_left_as_it_was(settings):
    application = ApplicationFactory()
    stranger = Fernet(Fernet.generate_key()).encrypt(b"written under a lost key").decode()
    Application.objects.filter(pk=application.pk).update(address=stranger)  # bypasses the field: raw token
    with connection.cursor() as cursor:
        cursor.execute("UPDATE merchants_application SET address = %s WHERE id = %s", [stranger, application.pk])
    settings.FIELD_ENCRYPTION_KEY = [Fernet.generate_key().decode(), *field_keys()]
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_encryption_key", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM merchants_application WHERE id = %s", [application.pk])
        assert cursor.fetchone()[0] == stranger


@pytest.mark.django_db
def test_a_ready_export_is_re_encrypted_too(settings, django_capture_on_commit_callbacks):
    from privacy.models import DataExport
    from privacy.services.exports import request_export
    from tests.factories import MembershipFactory

    user = MembershipFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        export = request_export(user=user)
    export.refresh_from_db()
    old, new = field_keys()[0], Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = [new, old]
    out = StringIO()
    call_command("rotate_encryption_key", stdout=out)
    assert "1 stored export(s)" in out.getvalue()
    stored = (settings.PRIVATE_MEDIA_ROOT / export.file_name).read_bytes()
    assert readable_with(new, stored.decode())
    assert DataExport.objects.get().status == "ready"


@pytest.mark.django_db
def test_members_second_factor_secrets_move_to_the_new_key_and_clear_ones_get_encrypted(settings):
    from allauth.mfa.models import Authenticator

    from privacy.mfa import PREFIX, MFAAdapter

    old = field_keys()[0]
    new = Fernet.generate_key().decode()
    adapter = MFAAdapter()
    under_old = Authenticator.objects.create(
        user=User.objects.create(email="totp.old@example.test"),
        type="totp",
        data={"secret": adapter.encrypt("OLDSECRET")},
    )
    in_clear = Authenticator.objects.create(
        user=User.objects.create(email="totp.clear@example.test"), type="totp", data={"secret": "CLEARSECRET"}
    )

    settings.FIELD_ENCRYPTION_KEY = [new, old]
    assert adapter.decrypt(Authenticator.objects.get(pk=under_old.pk).data["secret"]) == "OLDSECRET"
    out = StringIO()
    call_command("rotate_encryption_key", stdout=out)
    assert "2 second factor(s)" in out.getvalue()

    settings.FIELD_ENCRYPTION_KEY = [new]  # the old key is gone: both secrets still read
    stored = {a.pk: a.data["secret"] for a in Authenticator.objects.all()}
    assert all(value.startswith(PREFIX) for value in stored.values())
    assert adapter.decrypt(stored[under_old.pk]) == "OLDSECRET"
    assert adapter.decrypt(stored[in_clear.pk]) == "CLEARSECRET"
