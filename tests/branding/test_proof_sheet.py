"""The proof sheet: one page per proof version, with the proof embedded, the reference and an approval box, in
the merchant's language (right to left in Arabic), rendered by the safe renderer."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from branding import services
from branding.documents import render_proof_sheet
from tests.branding.helpers import pdf, png, to_stage
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def pdftotext(content: bytes) -> str:
    binary = shutil.which("pdftotext")
    assert binary, "pdftotext (poppler-utils) is a system dependency"
    return subprocess.run([binary, "-", "-"], input=content, capture_output=True, check=True).stdout.decode()  # noqa: S603


def word_position(content: bytes, word: str) -> tuple[float, float]:
    """Where a word starts on the page, and the page's width (from pdftotext's bounding boxes)."""
    binary = shutil.which("pdftotext")
    boxes = subprocess.run([binary, "-bbox", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()  # noqa: S603
    page_width = float(re.search(r'<page width="([0-9.]+)"', boxes).group(1))
    x_min = float(re.search(rf'<word xMin="([0-9.]+)"[^>]*>[^<]*{word}[^<]*</word>', boxes).group(1))
    return x_min, page_width


def embedded_images(reader: PdfReader) -> int:
    return len(reader.pages[0].images)


def test_the_proof_sheet_is_one_page_with_the_proof_the_reference_and_an_approval_box(client):
    member, staff = MembershipFactory(merchant__language="en", merchant__trade_name="Souk Select"), StaffFactory()
    item = to_stage(member, staff, "proof_sent")
    client.force_login(member.user)
    response = client.get(reverse("branding:proof_sheet", args=[item.reference, 1]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{item.reference}-v1.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = pdftotext(response.content)
    assert item.reference in text
    assert "Proof, version 1" in text
    assert "Souk Select" in text
    assert f"I approve version 1 of {item.reference} for production." in text
    assert embedded_images(reader) == 1


def test_the_proof_sheet_speaks_arabic_right_to_left_for_an_arabic_merchant(client):
    member, staff = MembershipFactory(merchant__language="ar"), StaffFactory()
    item = to_stage(member, staff, "proof_sent")
    client.force_login(member.user)
    content = client.get(reverse("branding:proof_sheet", args=[item.reference, 1])).content
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    text = pdftotext(content)
    assert item.reference in text
    assert "البروفة" in text and "التوقيع" in text and "التاريخ" in text  # "Proof", "Signature", "Date"
    # right to left: the approval box's tick boxes open their lines on the right-hand side of the page
    x_min, page_width = word_position(content, "☐")
    assert x_min > page_width / 2


def test_the_same_sheet_in_english_starts_its_lines_on_the_left():
    member, staff = MembershipFactory(merchant__language="en"), StaffFactory()
    item = to_stage(member, staff, "proof_sent")
    x_min, page_width = word_position(render_proof_sheet(item.proofs.get()), "☐")
    assert x_min < page_width / 2


def test_an_approved_version_says_so_on_its_sheet():
    member, staff = MembershipFactory(merchant__language="fr"), StaffFactory()
    item = to_stage(member, staff, "approved")
    text = pdftotext(render_proof_sheet(item.proofs.get()))
    assert "La version 1 a été approuvée dans le portail le" in text


def test_a_pdf_proof_is_drawn_onto_its_sheet():
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "in_design", logo=False)
    proof = services.send_proof(request_id=item.pk, by=staff, upload=pdf(text="Sleeve mock-up"))
    content = render_proof_sheet(proof)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    assert embedded_images(reader) == 1


def test_a_tall_proof_still_fits_one_page(client):
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "in_design")
    services.send_proof(request_id=item.pk, by=staff, upload=png("tall.png", size=(600, 4000)), notes="x" * 2000)
    content = render_proof_sheet(item.proofs.get())
    assert len(PdfReader(io.BytesIO(content)).pages) == 1


def test_designers_download_the_sheet_from_the_admin(staff_client):
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "proof_sent")
    client = staff_client("designer")
    response = client.get(reverse("admin:branding_brandingrequest_proof_sheet", args=[item.pk, 1]))
    assert response.status_code == 200
    assert item.reference in pdftotext(response.content)
    assert client.get(reverse("admin:branding_brandingrequest_proof_sheet", args=[item.pk, 5])).status_code == 404
