"""Branding's personal data, declared for the privacy features (see privacy/registry.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from branding.models import BrandKit
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
    )
)
