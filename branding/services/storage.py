"""Saving checked branding files under unguessable private names."""

from __future__ import annotations

from branding.artwork import CheckedFile, as_content
from branding.models import BrandingFile, BrandingRequest
from merchants.models import Merchant, User
from portal.uploads import private_name


def store_file(
    *, merchant: Merchant, request: BrandingRequest | None, checked: CheckedFile, by: User, purpose: str
) -> BrandingFile:
    """Save a file that passed `check_branding_file` (call inside the caller's transaction)."""
    stored = BrandingFile(
        merchant=merchant,
        request=request,
        purpose=purpose,
        original_name=checked.name[-200:],
        content_type=checked.kind.content_type,
        size=len(checked.content),
        uploaded_by=by,
    )
    stored.file.save(private_name("branding", checked.kind), as_content(checked), save=False)
    stored.save()
    return stored
