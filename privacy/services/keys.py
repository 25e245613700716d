"""Key rotation: re-encrypt every encrypted field (and stored exports) under the first FIELD_ENCRYPTION_KEY.

While FIELD_ENCRYPTION_KEY lists "NEW,OLD", values under OLD still decrypt; this rewrites them under NEW,
so that OLD can then be removed. See docs/key-rotation.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from audit import storage
from audit.crypto import field_crypter, under_first_key
from audit.registry import encrypted_fields
from audit.security import Kind, record_event
from privacy import mfa
from privacy.models import DataExport

BATCH = 500


@dataclass
class RotationReport:
    """Per model label: values rewritten under the new key, and values no configured key can read."""

    rotated: dict[str, int] = field(default_factory=dict)
    under_old_key: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, int] = field(default_factory=dict)
    exports: int = 0
    #: members' second-factor secrets (allauth MFA) rewritten under the new key, or encrypted if stored in clear
    second_factors: int = 0
    #: private files (audit.storage) rewritten under the new key
    files: int = 0

    @property
    def ok(self) -> bool:
        return not any(self.unreadable.values())


def _models() -> list[Any]:
    return [m for m in apps.get_models() if not m._meta.proxy and encrypted_fields(m)]


def rotate(*, dry_run: bool = False) -> RotationReport:
    """Rewrite every encrypted value not already under the first key; with `dry_run`, only count them."""
    crypter = field_crypter()
    report = RotationReport()
    for model in _models():
        label = model._meta.label
        report.rotated[label], report.under_old_key[label], report.unreadable[label] = _rotate_model(
            model, crypter, dry_run=dry_run
        )
    report.exports = _rotate_exports(crypter, dry_run=dry_run)
    report.second_factors = _rotate_second_factors(dry_run=dry_run)
    report.files = _rotate_files(dry_run=dry_run)
    if not dry_run:
        record_event(
            Kind.KEY_ROTATION,
            rotated=sum(report.rotated.values()),
            unreadable=sum(report.unreadable.values()),
            exports=report.exports,
        )
    return report


def _rotate_model(model: Any, crypter: MultiFernet, *, dry_run: bool) -> tuple[int, int, int]:
    """Rotate one model's encrypted columns in batches of rows; return (rotated, under an old key, unreadable)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    columns = [str(f.column) for f in encrypted_fields(model)]
    selected = ", ".join(quote(c) for c in columns)
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    rotated = old = unreadable = 0
    last: Any = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            where, params = (f"WHERE {pk} > %s", [last]) if last is not None else ("", [])
            cursor.execute(
                f"SELECT {pk}, {selected} FROM {table} {where} ORDER BY {pk} LIMIT {BATCH}{lock}",  # noqa: S608 - names from the model
                params,
            )
            rows = cursor.fetchall()
            for row in rows:
                updates, counts = _rotate_values(dict(zip(columns, row[1:], strict=True)), crypter)
                old += counts[0]
                unreadable += counts[1]
                if updates and not dry_run:
                    assignments = ", ".join(f"{quote(c)} = %s" for c in updates)
                    cursor.execute(
                        f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608 - names from the model
                        [*updates.values(), row[0]],
                    )
                    rotated += len(updates)
        if len(rows) < BATCH:
            return rotated, old, unreadable
        last = rows[-1][0]


def _rotate_values(values: dict[str, Any], crypter: MultiFernet) -> tuple[dict[str, str], tuple[int, int]]:
    """The re-encrypted value of each column not under the first key, and (under an old key, unreadable)."""
    updates: dict[str, str] = {}
    unreadable = 0
    for column, value in values.items():
        if value in (None, ""):
            continue
        token = value.encode() if isinstance(value, str) else bytes(value)
        if under_first_key(token):
            continue
        try:
            updates[column] = crypter.rotate(token).decode()
        except InvalidToken:
            unreadable += 1
    return updates, (len(updates), unreadable)


def _rotate_exports(crypter: MultiFernet, *, dry_run: bool) -> int:
    count = 0
    for export in DataExport.objects.filter(status=DataExport.Status.READY).exclude(file_name=""):
        path = Path(settings.PRIVATE_MEDIA_ROOT) / export.file_name
        if not path.exists():
            continue
        data = path.read_bytes()
        if under_first_key(data):
            continue
        if not dry_run:
            path.write_bytes(crypter.rotate(data))
        count += 1
    return count


def _rotate_second_factors(*, dry_run: bool) -> int:
    """Members' TOTP keys and recovery-code seeds (privacy.mfa): rewritten under the key derived from the first
    field key, and encrypted if still stored in clear, so that the old key can go without locking anyone out."""
    adapter = mfa.MFAAdapter()
    count = 0
    for authenticator in Authenticator.objects.iterator():
        data = dict(authenticator.data or {})
        changed = False
        for name in ("secret", "seed"):
            value = data.get(name)
            if not isinstance(value, str) or not value:
                continue
            if value.startswith(mfa.PREFIX) and under_first_key(
                value.removeprefix(mfa.PREFIX).encode(), context=mfa.CONTEXT
            ):
                continue
            data[name] = adapter.encrypt(adapter.decrypt(value))
            changed = True
        if changed:
            count += 1
            if not dry_run:
                Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
    return count


def _rotate_files(*, dry_run: bool) -> int:
    """Private files encrypted by audit.storage: rewritten under the key derived from the first field key."""
    count = 0
    for path in sorted(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if not raw.startswith(storage.MAGIC) or under_first_key(raw[len(storage.MAGIC) :], context=storage.CONTEXT):
            continue  # written before encryption, encrypted on its own (data exports), or under the new key
        if not dry_run:
            path.write_bytes(storage.encrypt_bytes(storage.decrypt_bytes(raw)))
        count += 1
    return count
