"""Branding's personal data, declared for the privacy features (see audit/registry.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from audit.registry import COMPANY, PersonalData, blank_fields, register
from branding.models import BrandingFile, BrandingRequest, BrandKit, Comment, RequestEvent

register(
    PersonalData(
        model=BrandingRequest,
        rows_of=lambda person: BrandingRequest.objects.filter(merchant__memberships__user=person),
        export_fields=(
            "reference",
            "status",
            "requested_by",
            "logo",
            "packaging",
            "conditioning",
            "printing",
            "brief",
            "target_market",
            "languages",
            "colours",
            "quantities",
            "deadline",
            "quote_price",
            "created_at",
        ),
        # The brief is free text that may name people; the rest is the company's order of design work.
        erase=blank_fields("brief"),
        retained_fields=("reference", "status", "requested_by", "quote_price", "created_at"),
        purpose=_("Your company's branding requests: what was asked for, by whom, and the quote."),
        scope=COMPANY,
        company_field="merchant",
    )
)


def _member_files(person: Any) -> QuerySet[BrandingFile]:
    """The files the company's members uploaded (references, artwork, brand kit logos); designers' proofs are
    the store's work."""
    return BrandingFile.objects.filter(merchant__memberships__user=person, uploaded_by__is_staff=False)


def erase_branding_file(row: BrandingFile) -> None:
    """Delete the stored file and its name; the row stays, since proofs and brand kits point at it."""
    if row.file:
        row.file.delete(save=False)
    row.file = ""  # type: ignore[assignment]
    row.original_name = ""
    row.save(update_fields=["file", "original_name"])


register(
    PersonalData(
        model=BrandingFile,
        rows_of=_member_files,
        export_fields=("original_name", "purpose", "content_type", "size", "uploaded_at"),
        erase=erase_branding_file,
        retained_fields=("purpose", "content_type", "size", "uploaded_at"),
        purpose=_("The files your company uploaded for its branding requests and brand kit."),
        scope=COMPANY,
        company_field="merchant",
    )
)

register(
    PersonalData(
        model=BrandKit,
        rows_of=lambda person: BrandKit.objects.filter(merchant__memberships__user=person),
        export_fields=(
            "version",
            "is_active",
            "sender_name",
            "return_address",
            "colours",
            "slip_message",
            "insert_text",
            "created_at",
        ),
        erase=blank_fields("return_address"),
        purpose=_("The sender details printed on the merchant's white-label parcels."),
        scope=COMPANY,
        company_field="merchant",
    )
)

register(
    PersonalData(
        model=RequestEvent,
        rows_of=lambda person: RequestEvent.objects.filter(by=person),
        export_fields=("action", "note", "ip_address", "at"),
        erase=blank_fields("ip_address"),
        retained_fields=("action", "note", "at"),
        purpose=_("The record of each step of your company's branding requests: who did what, and when."),
        personal_fields=("ip_address",),
    )
)

register(
    PersonalData(
        model=Comment,
        rows_of=lambda person: Comment.objects.filter(author=person),
        export_fields=("body", "at"),
        erase=blank_fields("body"),
        purpose=_("Your comments on your company's branding requests, read by our designers."),
    )
)
