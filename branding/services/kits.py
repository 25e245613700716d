"""Brand kits: versions made from an approved logo, uploaded by the merchant, or restored; one active."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from branding.artwork import check_branding_file, print_logo
from branding.errors import UnknownKitVersion
from branding.kit_guard import check_kit_logo
from branding.models import BrandingFile, BrandingRequest, BrandKit, Proof
from branding.services.storage import store_file
from merchants.models import Merchant, User
from merchants.services import lock_merchant

#: The details a kit version carries besides its logo.
DETAIL_FIELDS = ("sender_name", "return_address", "colours", "slip_message", "insert_text")


def _new_version(*, merchant: Merchant, by: User, **fields: Any) -> BrandKit:
    """A new active version; the merchant's row lock keeps versions in order and one of them active."""
    with transaction.atomic():
        lock_merchant(merchant.pk)
        latest = BrandKit.objects.filter(merchant=merchant).order_by("-version").values_list("version", flat=True)
        BrandKit.objects.filter(merchant=merchant, is_active=True).update(is_active=False)
        return BrandKit.objects.create(
            merchant=merchant, version=(latest.first() or 0) + 1, is_active=True, created_by=by, **fields
        )


def _current(merchant: Merchant) -> BrandKit | None:
    return BrandKit.objects.filter(merchant=merchant, is_active=True).select_related("logo").first()


def kit_from_approved_proof(*, request: BrandingRequest, proof: Proof, by: User) -> BrandKit:
    """The approved logo joins the merchant's details in a new active kit version."""
    current = _current(request.merchant)
    details = {name: getattr(current, name) for name in DETAIL_FIELDS} if current else {}
    details.setdefault("sender_name", request.merchant.trade_name or request.merchant.legal_name)
    details.setdefault("return_address", "")
    if request.colours:
        details["colours"] = request.colours
    return _new_version(merchant=request.merchant, by=by, logo=proof.artwork, source_proof=proof, **details)


def upload_brand_kit(*, merchant: Merchant, by: User, logo: UploadedFile | None, data: dict[str, Any]) -> BrandKit:
    """A merchant brings its own logo and brand details: a new active kit version (the logo kept if none sent)."""
    details = {name: data.get(name, "") for name in DETAIL_FIELDS}
    checked = check_branding_file(logo, images_only=True) if logo is not None else None
    print_ready = print_logo(checked) if checked is not None else None
    if checked is not None and print_ready is not None:
        check_kit_logo(checked.content, print_ready.content)  # raises ValidationError: the store's own logo
    with transaction.atomic():
        current = _current(merchant)
        if print_ready is not None:
            stored: BrandingFile | None = store_file(
                merchant=merchant, request=None, checked=print_ready, by=by, purpose=BrandingFile.Purpose.KIT_LOGO
            )
            source_proof = None
        else:
            stored = current.logo if current else None
            source_proof = current.source_proof if current else None
        return _new_version(merchant=merchant, by=by, logo=stored, source_proof=source_proof, **details)


def restore_brand_kit(*, merchant: Merchant, by: User, version: int) -> BrandKit:
    """An earlier version becomes active again, as a new version (the history stays in order)."""
    with transaction.atomic():
        earlier = BrandKit.objects.filter(merchant=merchant, version=version).first()
        if earlier is None:
            raise UnknownKitVersion
        return _new_version(
            merchant=merchant,
            by=by,
            logo=earlier.logo,
            source_proof=earlier.source_proof,
            **{name: getattr(earlier, name) for name in DETAIL_FIELDS},
        )
