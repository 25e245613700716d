"""A downloaded file's name ends in the extension of the type its content was checked as."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from django.urls import reverse

from portal.uploads import safe_download_name
from tests.branding.helpers import png


@pytest.mark.parametrize(
    ("given", "stored", "offered"),
    [
        ("invoice\u202egnp.exe", "merchants/documents/ab12.png", "invoicegnp.png"),
        ("report.pdf", "merchants/documents/ab12.pdf", "report.pdf"),
        ("scan", "merchants/documents/ab12.jpg", "scan.jpg"),
        ("photo.JPEG.exe", "x/y.jpg", "photo.JPEG.jpg"),
        ("\u200b\u2066.png", "x/y.png", "file.png"),
        ("INV-2026-000001.pdf", "orders/invoices/INV-2026-000001.pdf", "INV-2026-000001.pdf"),
    ],
)
def test_the_offered_name_keeps_the_members_name_with_the_checked_types_extension(given, stored, offered):
    assert safe_download_name(given, stored) == offered


@pytest.mark.django_db
def test_a_png_uploaded_as_exe_behind_a_right_to_left_override_downloads_as_png(client):
    from merchants import services
    from tests.merchants.factories import ApplicationFactory

    application = ApplicationFactory()
    document = services.add_document(application=application, upload=png(name="invoice\u202egnp.exe"))
    client.force_login(application.applicant)
    response = client.get(reverse("merchants:document", args=[document.pk]))
    disposition = unquote(response["Content-Disposition"])
    assert response.status_code == 200
    assert disposition.startswith("attachment;")
    assert disposition.endswith('invoicegnp.png"') or disposition.endswith("invoicegnp.png")
    assert ".exe" not in disposition and "\u202e" not in disposition
