"""Done when: a member exports their data and finds every personal field the portal holds about them,
erases their account, and the database holds none of their personal data except what retention keeps."""

from __future__ import annotations

import contextlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from audit import registry
from audit.crypto import field_crypter
from audit.models import SecurityEvent
from merchants.models import ApplicationDocument, Membership, User
from orders.models import Order
from privacy.models import DataExport, ErasureRequest
from privacy.services.exports import export_value
from tests.privacy.helpers import EMAIL, FULL_NAME, SENTINELS, member_with_data

pytestmark = pytest.mark.django_db

#: records that the export itself writes or touches after it was built (its own row, its events, the session)
WRITTEN_BY_THE_EXPORT = {"privacy.dataexport", "audit.securityevent", "sessions.session"}


def download_export(member, django_capture_on_commit_callbacks) -> dict:
    with django_capture_on_commit_callbacks(execute=True):
        response = member.client.post(reverse("privacy:export_request"))
    assert response.status_code == 302
    link = re.search(r"http\S+/privacy/exports/\S+/", mail.outbox[-1].body).group(0)
    response = member.client.get(link.removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "README.txt" in archive.namelist()
    return {"zip": archive, "data": json.loads(archive.read("data.json"))}


def test_the_export_holds_every_registered_field_of_every_row_about_the_member(django_capture_on_commit_callbacks):
    member = member_with_data()
    exported = download_export(member, django_capture_on_commit_callbacks)
    sections = exported["data"]["sections"]

    compared = 0
    for entry in registry.entries():
        rows = list(entry.rows_of(member.user))
        if not rows or entry.label in WRITTEN_BY_THE_EXPORT:
            continue
        assert entry.label in sections, f"{entry.label} holds rows about the member but is not in the export"
        assert len(sections[entry.label]["rows"]) == len(rows)
        for row, exported_row in zip(rows, sections[entry.label]["rows"], strict=True):
            for name in entry.export_fields:
                assert json.loads(json.dumps(exported_row[name], default=str)) == json.loads(
                    json.dumps(export_value(getattr(row, name)), default=str)
                ), f"{entry.label}.{name}"
                compared += 1
        assert f"csv/{entry.label}.csv" in exported["zip"].namelist()
    assert compared > 50
    text = json.dumps(sections, ensure_ascii=False)
    for value in (EMAIL, FULL_NAME, "+966555010203", "7 Rue Sentinelle, Casablanca"):
        assert value in text
    for label in (
        "merchants.user",
        "merchants.application",
        "merchants.merchant",
        "audit.disclosure",
        "account.emailaddress",
    ):
        assert label in sections


def test_every_encrypted_field_is_exported_or_deliberately_withheld():
    for entry in registry.entries():
        for model_field in registry.encrypted_fields(entry.model):
            assert model_field.name in entry.export_fields + entry.withheld_fields, (
                f"{entry.label}.{model_field.name} is encrypted personal data but neither exported nor withheld"
            )


def test_the_export_is_encrypted_at_rest_and_its_download_is_logged(django_capture_on_commit_callbacks):
    member = member_with_data()
    download_export(member, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=member.user)
    stored = (Path(settings.PRIVATE_MEDIA_ROOT) / export.file_name).read_bytes()
    assert not stored.startswith(b"PK")
    assert FULL_NAME.encode() not in stored
    assert zipfile.is_zipfile(io.BytesIO(field_crypter().decrypt(stored)))
    assert export.status == DataExport.Status.READY and export.ready_at is not None
    assert export.download_count == 1 and export.last_downloaded_at is not None
    kinds = list(SecurityEvent.objects.filter(user=member.user).values_list("kind", flat=True))
    assert "export_requested" in kinds and "export_downloaded" in kinds


def raw_values() -> list[tuple[str, str]]:
    """Every text cell of every table, encrypted cells decrypted, session data decoded."""
    crypter = field_crypter()
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                for cell in row:
                    if isinstance(cell, bytes | memoryview):
                        cell = bytes(cell).decode("utf-8", "replace")
                    if not isinstance(cell, str):
                        continue
                    if cell.startswith("gAAAA"):
                        with contextlib.suppress(InvalidToken):  # not a token after all: scanned as it is
                            cell = crypter.decrypt(cell.encode()).decode()
                    found.append((table, cell))
    for session in Session.objects.all():
        found.append(("django_session (decoded)", json.dumps(session.get_decoded(), default=str)))
    return found


def test_after_erasure_the_raw_tables_hold_none_of_the_members_personal_data(
    django_capture_on_commit_callbacks, staff_client
):
    member = member_with_data(language="fr")
    download_export(member, django_capture_on_commit_callbacks)
    document_path = Path(ApplicationDocument.objects.get(application=member.application).file.path)
    assert any(sentinel in value for _table, value in raw_values() for sentinel in SENTINELS)

    response = member.client.post(reverse("privacy:erasure"), {"reason": "We are closing the shop", "confirm": "on"})
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get(user=member.user)
    assert erasure.status == ErasureRequest.Status.REQUESTED

    security = staff_client("security")
    # The admin's history names the member in other records too: a membership is "<email> @ <company> (<role>)".
    membership = Membership.objects.get(user=member.user)
    LogEntry.objects.create(
        user=security.staff_user,
        content_type=ContentType.objects.get_for_model(Membership),
        object_id=str(membership.pk),
        object_repr=str(membership),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["Role"]}}, f"Asked by {EMAIL} on the phone"]),
    )
    other = LogEntry.objects.create(
        user=security.staff_user,
        content_type=ContentType.objects.get_for_model(Membership),
        object_id="0",
        object_repr="someone.else@example.test @ M-1 (buyer)",
        action_flag=CHANGE,
        change_message="",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = security.post(reverse("admin:privacy_erasurerequest_approve", args=[erasure.pk]), {"note": ""})
    assert response.status_code == 302

    leaks = [(table, value[:80]) for table, value in raw_values() for s in SENTINELS if s.lower() in value.lower()]
    assert leaks == []
    entry = LogEntry.objects.get(object_id=str(membership.pk), content_type__model="membership")
    assert entry.object_repr.startswith("[erased] @ ") and entry.action_flag == CHANGE
    assert json.loads(entry.change_message)[1] == "Asked by [erased] on the phone"
    other.refresh_from_db()
    assert other.object_repr == "someone.else@example.test @ M-1 (buyer)", "other people's history stays"
    assert not document_path.exists()
    # What the law keeps: the order, its lines and the company, no longer tied to a name.
    order = Order.objects.get(pk=member.order.pk)
    assert order.placed_by_id == member.user.pk
    user = User.objects.get(pk=member.user.pk)
    assert not user.is_active and not user.has_usable_password() and user.full_name == ""
    # The member hears the outcome, in their language, at the address they had.
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.COMPLETED and erasure.decided_by == security.staff_user
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert "effac" in mail.outbox[0].body
    # Nobody can sign in to the erased account any more.
    assert (
        Client().post("/accounts/login/", {"login": EMAIL, "password": "correct horse battery staple"}).status_code
        != 302
    )
