"""Private files are encrypted at rest (audit/storage.py): nothing readable on disk, everything readable
through the storage, and key rotation moves them to the new key."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from audit.crypto import field_keys
from audit.storage import MAGIC, EncryptedFileSystemStorage

SECRET_TEXT = b"%PDF-1.7 Amina Haddad, 12 Olaya Street, Riyadh"


def test_the_default_storage_encrypts_on_disk_and_decrypts_when_opened():
    assert isinstance(default_storage, EncryptedFileSystemStorage)
    name = default_storage.save("shipping/slips/slip.pdf", ContentFile(SECRET_TEXT))
    raw = Path(default_storage.path(name)).read_bytes()
    assert raw.startswith(MAGIC) and b"Amina" not in raw and b"%PDF" not in raw
    with default_storage.open(name) as opened:
        assert opened.read() == SECRET_TEXT
    assert default_storage.size(name) == len(SECRET_TEXT)


def test_a_file_written_before_encryption_is_read_as_it_stands():
    path = Path(default_storage.path("legacy/old.pdf"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(SECRET_TEXT)
    with default_storage.open("legacy/old.pdf") as opened:
        assert opened.read() == SECRET_TEXT


@pytest.mark.django_db
def test_an_uploaded_document_is_ciphertext_on_disk_and_served_in_clear(client):
    from django.urls import reverse

    from merchants import services
    from tests.merchants.factories import ApplicationFactory
    from tests.merchants.test_application import PDF, pdf

    application = ApplicationFactory()
    document = services.add_document(application=application, upload=pdf())
    assert b"%PDF" not in Path(document.file.path).read_bytes()
    client.force_login(application.applicant)
    response = client.get(reverse("merchants:document", args=[document.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert int(response["Content-Length"]) == len(PDF)


@pytest.mark.django_db
def test_key_rotation_moves_private_files_to_the_new_key(settings):
    old = field_keys()[0]
    new = Fernet.generate_key().decode()
    name = default_storage.save("branding/files/logo.png", ContentFile(SECRET_TEXT))

    settings.FIELD_ENCRYPTION_KEY = [new, old]
    out = StringIO()
    call_command("rotate_encryption_key", stdout=out)
    assert "1 private file(s)" in out.getvalue()

    settings.FIELD_ENCRYPTION_KEY = [new]  # the old key is gone: the file still reads
    with default_storage.open(name) as opened:
        assert opened.read() == SECRET_TEXT
