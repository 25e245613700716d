"""Packing slips and address labels: rendered from our templates with the merchant's brand kit only.

Nothing here reads the store's identity: a white-label document knows the merchant's sender name,
return address, logo and message, the consignee, and what is in the parcel.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_countries import countries

from branding.selectors import brand_kit_logo
from portal.pdf import data_uri, render_pdf
from shipping.carriers.base import Parcel

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
LOGO_TYPES = {"image/png", "image/jpeg", "image/webp"}


def brand_colour(colours: str) -> str:
    """The first hex colour of the kit's colours, else a neutral grey (never free text in CSS)."""
    match = HEX_COLOUR.search(colours or "")
    return match.group(0) if match else "#333333"


def logo_bytes(kit: Any) -> tuple[bytes, str] | None:
    """The brand kit's logo and its type (through branding's selector), if it is an image we can embed."""
    logo = brand_kit_logo(kit=kit)
    return logo if logo is not None and logo[1] in LOGO_TYPES else None


def slip_context(*, shipment: Any, kit: Any, logo: tuple[bytes, str] | None) -> dict[str, Any]:
    """What a packing slip shows: the brand kit, the consignee, the parcel's contents."""
    consignee = shipment.consignee
    return {
        "reference": shipment.reference,
        "date": timezone.localdate(),
        "sender_name": kit.sender_name,
        "return_address": kit.return_address,
        "message": kit.slip_message,
        "insert_text": kit.insert_text,
        "colour": brand_colour(kit.colours),
        "logo": data_uri(*logo) if logo else "",
        "consignee": consignee,
        "country_name": countries.name(consignee.country) or consignee.country,
        "items": [(item.line.name, item.quantity) for item in consignee.items.all()],
    }


def packing_slip_html(context: dict[str, Any], *, language: str) -> str:
    """The slip's HTML in `language` (the merchant's)."""
    with translation.override(language):
        return render_to_string("shipping/packing_slip.html", context)


def render_address_label(parcel: Parcel) -> bytes:
    """An A6 address label for the in-house courier, in the merchant's name."""
    return render_pdf(
        "shipping/address_label.html",
        {"parcel": parcel, "country_name": countries.name(parcel.country) or parcel.country},
        language=parcel.language,
    )


def merge_pdfs(documents: Iterable[bytes]) -> bytes:
    """One PDF of many (every packing slip of an order, for the warehouse's printer)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for document in documents:
        writer.append(io.BytesIO(document))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
