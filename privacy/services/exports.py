"""Data exports: everything the registry finds about a member, as JSON and CSV in a ZIP, encrypted at rest,
offered through a signed link that expires."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from audit import registry
from audit.crypto import field_crypter
from audit.security import Kind, record_event
from merchants.models import User
from portal import state
from portal.emails import send_templated_email
from portal.notices import notify_on_commit, send_once
from portal.spreadsheets import csv_dict_writer
from privacy import tasks
from privacy.errors import ExportLinkExpired, ExportPending, IllegalTransition
from privacy.models import DataExport

SIGNING_SALT = "privacy.export-link"
EXPORT_FOLDER = "privacy/exports"
Status = DataExport.Status

#: The one table of an export: built once, then expired (by its deadline, an erasure or a purge).
TRANSITIONS: dict[str, set[str]] = {
    Status.PENDING: {Status.READY, Status.FAILED, Status.EXPIRED},
    Status.READY: {Status.EXPIRED},
    Status.FAILED: {Status.EXPIRED},
    Status.EXPIRED: set(),
}
#: The export's life cycle; its requests and downloads are security events (`privacy.security`).
EXPORT = state.Machine(model=DataExport, transitions=TRANSITIONS, error=IllegalTransition)


def lock_export(pk: int) -> DataExport:
    """The export's row (with its member, unlocked), locked for the caller's transaction."""
    return state.lock(DataExport, pk, related=("user",))


def export_value(value: Any) -> Any:
    """A model value as plain JSON (dates as ISO text, money as text, related rows by id, files by name)."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return Path(value.name or "").name
    if isinstance(value, bytes):
        return value.hex()
    return value


def collect(*, user: User) -> dict[str, dict[str, Any]]:
    """Every registered row about `user`, keyed by model label: title, purpose, scope, fields and rows."""
    sections: dict[str, dict[str, Any]] = {}
    for entry in registry.entries():
        rows = [
            {name: export_value(getattr(row, name)) for name in entry.export_fields} for row in entry.export_rows(user)
        ]
        if not rows:
            continue
        sections[entry.label] = {
            "title": str(entry.model._meta.verbose_name_plural),
            "purpose": str(entry.purpose),
            "scope": entry.scope,
            "fields": list(entry.export_fields),
            "rows": rows,
        }
    return sections


def build_zip(*, user: User) -> bytes:
    """The export archive: data.json, one CSV per kind of record, and a README in the member's language."""
    sections = collect(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        document = {"generated_at": timezone.now().isoformat(), "user_id": user.pk, "sections": sections}
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2, default=str))
        for label, section in sections.items():
            text = io.StringIO()
            writer = csv_dict_writer(text, fieldnames=section["fields"])
            writer.writeheader()
            for row in section["rows"]:
                writer.writerow(
                    {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v for k, v in row.items()}
                )
            archive.writestr(f"csv/{label}.csv", text.getvalue())
        with translation.override(user.language):
            archive.writestr("README.txt", render_to_string("privacy/export_readme.txt", {"sections": sections}))
    return buffer.getvalue()


def request_export(*, user: User, request: Any = None) -> DataExport:
    """Queue an export of the member's data (one at a time); a job builds it and emails the link."""
    with transaction.atomic():
        if (
            DataExport.objects.select_for_update(of=("self",))
            .filter(user=user, status=DataExport.Status.PENDING)
            .exists()
        ):
            raise ExportPending()
        export = DataExport.objects.create(user=user)
        record_event(Kind.EXPORT_REQUESTED, request, user=user, export_id=export.pk)
        tasks.build_export.delay_on_commit(export.pk)
    return export


def _path(file_name: str) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / file_name


def build(*, export_id: int) -> DataExport:
    """Build a pending export, encrypt it to private storage and email the link (does nothing twice)."""
    with transaction.atomic():
        export = lock_export(export_id)
        if export.status != DataExport.Status.PENDING:
            return export
        data = field_crypter().encrypt(build_zip(user=export.user))
        file_name = f"{EXPORT_FOLDER}/{uuid.uuid4().hex}.zip.enc"
        path = _path(file_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(0o600)
        now = timezone.now()
        expires_at = now + timedelta(hours=settings.PRIVACY_EXPORT_LINK_HOURS)
        changes = {"file_name": file_name, "size": len(data), "ready_at": now, "expires_at": expires_at}
        EXPORT.apply(export, to=Status.READY, changes=changes)
        notify_on_commit(tasks.email_export_link, export.pk)
    return export


def download_token(export: DataExport) -> str:
    return signing.dumps({"export": export.pk}, salt=SIGNING_SALT)


def download_url(export: DataExport) -> str:
    return reverse("privacy:export_download", args=[download_token(export)])


def _email_link(export: DataExport) -> int:
    send_templated_email(
        to=[export.user.email],
        template="privacy/email/export_ready",
        context={"url": settings.SITE_URL + download_url(export), "expires_at": export.expires_at},
        language=export.user.language,
    )
    return 1


def email_link(*, export_id: int) -> int:
    """Email the member the link to their ready export; a second run sends nothing."""
    return send_once(DataExport, export_id, marker="link_sent_at", send=_email_link)


def open_download(*, token: str, user: User, request: Any = None) -> tuple[DataExport, bytes]:
    """The decrypted archive behind a download link, for its own member only, while the link is valid."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=timedelta(hours=settings.PRIVACY_EXPORT_LINK_HOURS))
    except signing.SignatureExpired as exc:
        raise ExportLinkExpired() from exc
    export = DataExport.objects.filter(pk=data["export"], user=user).first()
    if export is None:
        raise DataExport.DoesNotExist
    if export.status != DataExport.Status.READY or (export.expires_at and export.expires_at <= timezone.now()):
        raise ExportLinkExpired()
    content = field_crypter().decrypt(_path(export.file_name).read_bytes())
    DataExport.objects.filter(pk=export.pk).update(
        download_count=export.download_count + 1, last_downloaded_at=timezone.now()
    )
    record_event(Kind.EXPORT_DOWNLOADED, request, user=user, export_id=export.pk)
    return export, content


def expire(export: DataExport) -> None:
    """Delete an export's file and mark it expired (retention purge, erasure)."""
    if export.file_name:
        _path(export.file_name).unlink(missing_ok=True)
    with transaction.atomic():
        locked = lock_export(export.pk)
        if locked.status == Status.EXPIRED:
            DataExport.objects.filter(pk=export.pk).update(file_name="", size=0)
        else:
            EXPORT.apply(locked, to=Status.EXPIRED, changes={"file_name": "", "size": 0})
