"""Invoices: a pro-forma at placement, a tax invoice once paid, numbered without gaps, with the ZATCA QR
code on Saudi tax invoices, read back from the rendered PDF."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from orders import services
from orders.models import Invoice
from tests.factories import MembershipFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db


def paid_order(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = services.place_order(
            merchant=member.merchant,
            placed_by=member.user,
            items=[(ProductFactory(unit_price_sar=Decimal("5000.00")), 1)],
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(order=order, note="test payment")
    return order


def pdf_text(invoice: Invoice) -> str:
    invoice.pdf.open("rb")
    return "".join(page.extract_text() for page in PdfReader(invoice.pdf).pages)


def test_placing_issues_a_proforma_and_paying_a_tax_invoice_numbered_without_gaps(django_capture_on_commit_callbacks):
    member = MembershipFactory(merchant__language="en", merchant__vat_number="300000000000003")
    first = paid_order(member, django_capture_on_commit_callbacks)
    second = paid_order(MembershipFactory(), django_capture_on_commit_callbacks)
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    year = first.placed_at.year
    assert numbers == [f"INV-{year}-000001", f"INV-{year}-000002", f"PF-{year}-000001", f"PF-{year}-000002"]
    tax = first.invoices.get(kind="tax")
    text = pdf_text(tax)
    for expected in ("Tax invoice", tax.number, settings.STORE_VAT_NUMBER, "300000000000003", "5,750.00", "750.00"):
        assert expected.replace(",", "") in text.replace(",", "")
    assert second.invoices.count() == 2
    assert services.issue_invoice(order_id=first.pk, kind="tax") == tax  # idempotent


@pytest.mark.parametrize("currency", ["SAR", "USD"])
def test_a_saudi_tax_invoice_carries_a_zatca_qr_code_that_decodes_to_each_field(
    django_capture_on_commit_callbacks, tmp_path, currency
):
    member = MembershipFactory(merchant__country="SA", merchant__language="ar", merchant__currency=currency)
    order = paid_order(member, django_capture_on_commit_callbacks)
    invoice = order.invoices.get(kind="tax")
    invoice.pdf.open("rb")
    (tmp_path / "invoice.pdf").write_bytes(invoice.pdf.read())
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", str(tmp_path / "invoice.pdf"), str(tmp_path / "page")], check=True, timeout=60
    )
    image = next(tmp_path.glob("page*.png"))
    scanned = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, timeout=60)
    assert scanned.returncode == 0, scanned.stderr
    fields = services.zatca_tlv_decode(scanned.stdout.strip())
    assert fields[1] == settings.STORE_NAME
    assert fields[2] == settings.STORE_VAT_NUMBER
    assert fields[3] == invoice.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert fields[4] == "5750.00"  # in riyals, whatever the order's currency
    assert fields[5] == "750.00"
    text = pdf_text(invoice)
    assert "فاتورة ضريبية" in text
    if currency == "USD":
        assert "1,533.33" in text  # 5,750 SAR at the 3.75 peg
        assert "5,750.00" in text  # and in riyals beside it


def test_members_download_their_invoices_and_no_one_else_does(client, django_capture_on_commit_callbacks):
    member = MembershipFactory()
    order = paid_order(member, django_capture_on_commit_callbacks)
    invoice = order.invoices.get(kind="proforma")
    url = reverse("orders:invoice", args=[order.reference, invoice.number])
    client.force_login(member.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 404
