"""Private files encrypted at rest: the default file storage of the portal.

Every file a FileField keeps (applications' documents, proofs of transfer, branding files, invoices, packing
slips and labels, catalogue photos) is written as ``MAGIC`` followed by a Fernet token, under a key derived
from FIELD_ENCRYPTION_KEY for files only; reading decrypts. Files are served only through access-checked
views, so nothing needs them in clear on disk. A file written before encryption (no ``MAGIC``) is read as it
stands. Key rotation re-encrypts the files with the data (privacy/services/keys.py).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from audit.crypto import derived_crypter

MAGIC = b"PORTAL-ENC1\n"
CONTEXT = b"portal.private-files"


def encrypt_bytes(data: bytes) -> bytes:
    return MAGIC + derived_crypter(CONTEXT).encrypt(data)


def decrypt_bytes(raw: bytes) -> bytes:
    """The content of a stored file: decrypted, or as it stands if it was written before encryption."""
    if not raw.startswith(MAGIC):
        return raw
    try:
        return derived_crypter(CONTEXT).decrypt(raw[len(MAGIC) :])
    except InvalidToken as exc:
        raise ValueError("a private file cannot be decrypted with FIELD_ENCRYPTION_KEY") from exc


class EncryptedFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose files are Fernet-encrypted on disk and decrypted when opened."""

    def _save(self, name: str, content: Any) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        return super()._save(name, ContentFile(encrypt_bytes(data)))  # type: ignore[misc]

    def _open(self, name: str, mode: str = "rb") -> File:
        if any(flag in mode for flag in "wa+"):
            raise ValueError("private files are written through save(), never opened for writing")
        raw = Path(self.path(name)).read_bytes()
        opened = File(io.BytesIO(decrypt_bytes(raw)), name=name)
        opened.mode = mode  # type: ignore[attr-defined]
        return opened

    def size(self, name: str) -> int:
        """The size of the content, not of its encrypted form."""
        with self._open(name) as opened:
            return opened.size
