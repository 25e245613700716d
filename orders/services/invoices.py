"""Invoices: a pro-forma when an order is placed, a tax invoice once it is paid.

Numbers run without gaps per kind and year (`PF-2026-000001`, `INV-2026-000001`): the number is taken
from a locked counter in the same transaction that saves the invoice. The PDF is rendered in the
merchant's language through the safe renderer. A Saudi merchant's tax invoice carries the ZATCA
phase-1 QR code: Base64 of the TLV fields seller name (1), seller VAT number (2), timestamp (3),
total with VAT (4) and VAT amount (5).
"""

from __future__ import annotations

import base64
import io
from datetime import UTC
from typing import Any

import qrcode
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from orders import tasks
from orders.models import Invoice, Order
from orders.money import BASE_CURRENCY, Money
from orders.services.pricing import vat_on
from orders.services.sequences import next_in_sequence
from portal import state
from portal.pdf import data_uri, render_pdf

__all__ = ["issue_invoice", "issue_tax_invoice_when_paid", "zatca_qr_payload", "zatca_tlv_decode"]

PREFIX: dict[str, str] = {Invoice.Kind.PROFORMA: "PF", Invoice.Kind.TAX: "INV"}


def _tlv(tag: int, value: str) -> bytes:
    data = value.encode()
    return bytes([tag, len(data)]) + data


def zatca_qr_payload(*, seller: str, vat_number: str, timestamp: str, total: str, vat: str) -> str:
    """The Base64 TLV string a ZATCA phase-1 QR code holds."""
    fields = (seller, vat_number, timestamp, total, vat)
    return base64.b64encode(b"".join(_tlv(tag, value) for tag, value in enumerate(fields, start=1))).decode()


def zatca_tlv_decode(payload: str) -> dict[int, str]:
    """Read a ZATCA TLV payload back (tag -> value)."""
    raw, fields, i = base64.b64decode(payload), {}, 0
    while i < len(raw):
        tag, length = raw[i], raw[i + 1]
        fields[tag] = raw[i + 2 : i + 2 + length].decode()
        i += 2 + length
    return fields


def _qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(text, box_size=6, border=4).save(buffer, format="PNG")
    return buffer.getvalue()


def issue_invoice(*, order_id: int, kind: str) -> Invoice:
    """Issue the order's invoice of this kind, once: a second call returns the existing one."""
    with transaction.atomic():
        order = state.lock(Order, order_id, related=("merchant",))
        existing = Invoice.objects.filter(order=order, kind=kind).first()
        if existing is not None:
            return existing
        now = timezone.now()
        number = f"{PREFIX[kind]}-{now.year}-{next_in_sequence(f'invoice-{kind}', now.year):06d}"
        context: dict[str, Any] = {
            "order": order,
            "lines": list(order.lines.all()),
            "number": number,
            "issued_at": now,
            "kind": kind,
            "store": {
                "name": settings.STORE_NAME,
                "vat": settings.STORE_VAT_NUMBER,
                "address": settings.STORE_ADDRESS,
                "registration": settings.STORE_REGISTRATION_NUMBER,
            },
            "is_tax": kind == Invoice.Kind.TAX,
        }
        # Saudi rules want VAT in riyals whatever the order's currency: shown, and in the QR code.
        sar_vat = vat_on(Money(order.subtotal_sar, BASE_CURRENCY), order.vat_rate)
        sar_total = Money(order.subtotal_sar, BASE_CURRENCY) + sar_vat
        context.update(sar_vat=sar_vat, sar_total=sar_total)
        if kind == Invoice.Kind.TAX and order.merchant.is_saudi:
            payload = zatca_qr_payload(
                seller=settings.STORE_NAME,
                vat_number=settings.STORE_VAT_NUMBER,
                timestamp=now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                total=f"{sar_total.amount:.2f}",
                vat=f"{sar_vat.amount:.2f}",
            )
            context["qr"] = data_uri(_qr_png(payload), "image/png")
        pdf = render_pdf("orders/invoice.html", context, language=order.merchant.language)
        invoice = Invoice(order=order, kind=kind, number=number, issued_at=now, language=order.merchant.language)
        invoice.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
        invoice.save()
    return invoice


def issue_tax_invoice_when_paid(order: Order) -> None:
    """Orders' own after-paid hook: the tax invoice is issued once the payment is committed (a staff
    replacement is not paid for, so it has none, as it has no pro-forma)."""
    if not order.is_replacement:
        tasks.issue_tax_invoice.delay_on_commit(order.pk)
