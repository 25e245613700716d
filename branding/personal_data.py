"""Branding's personal data, declared for the privacy features (see privacy/registry.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from branding.models import BrandKit, Comment, RequestEvent
from privacy.registry import COMPANY, PersonalData, blank_fields, register

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
