"""Reads of branding: every merchant read starts from the merchant; the designers' board reads across merchants."""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.db.models import Count, F, Prefetch, QuerySet

from branding.models import BrandingFile, BrandingRequest, BrandKit, Proof, RequestEvent
from branding.services.workflow import TRANSITIONS
from merchants.models import Merchant, User
from merchants.selectors import membership_of

Status = BrandingRequest.Status
#: The columns of the designers' board, in the order work flows.
BOARD_COLUMNS = tuple(status for status in Status if TRANSITIONS[status])


def requests_for(*, merchant: Merchant) -> QuerySet[BrandingRequest]:
    """The merchant's requests, newest first."""
    return BrandingRequest.objects.filter(merchant=merchant).order_by("-created_at", "-pk")


def request_list(*, merchant: Merchant) -> QuerySet[BrandingRequest]:
    """The merchant's requests for the list page, with how many proofs each has."""
    return requests_for(merchant=merchant).annotate(proof_count=Count("proofs"))


def request_detail(*, merchant: Merchant) -> QuerySet[BrandingRequest]:
    """The merchant's requests with their proofs, files, comments and history loaded."""
    return requests_for(merchant=merchant).prefetch_related(
        Prefetch("proofs", queryset=Proof.objects.select_related("file", "artwork", "approved_by")),
        Prefetch(
            "files", queryset=BrandingFile.objects.filter(purpose=BrandingFile.Purpose.REFERENCE), to_attr="references"
        ),
        "comments__author",
        Prefetch("events", queryset=RequestEvent.objects.select_related("by")),
    )


def proof_of(*, merchant: Merchant, reference: str, version: int) -> Proof | None:
    """One proof version of one of the merchant's requests."""
    return (
        Proof.objects.filter(request__merchant=merchant, request__reference=reference, version=version)
        .select_related("request__merchant", "file", "artwork", "approved_by")
        .first()
    )


def kits_for(*, merchant: Merchant) -> QuerySet[BrandKit]:
    """Every brand kit version of the merchant, newest first."""
    return (
        BrandKit.objects.filter(merchant=merchant)
        .select_related("logo", "source_proof__request", "created_by")
        .order_by("-version")
    )


def active_brand_kit(*, merchant: Merchant) -> BrandKit | None:
    """The kit white-label documents wear (the shipping work renders packing slips from it)."""
    return kits_for(merchant=merchant).filter(is_active=True).first()


def brand_kit_logo(*, kit: BrandKit | None) -> tuple[bytes, str] | None:
    """The kit's logo as bytes and content type (a PNG at 300 dpi), or None if it has none."""
    if kit is None or kit.logo is None:
        return None
    with kit.logo.file.open("rb") as handle:
        return handle.read(), kit.logo.content_type


def board() -> dict[str, list[BrandingRequest]]:
    """The designers' board: open requests in columns by status, each by deadline (none last), then age."""
    columns: dict[str, list[BrandingRequest]] = {status: [] for status in BOARD_COLUMNS}
    open_requests = (
        BrandingRequest.objects.filter(status__in=BOARD_COLUMNS)
        .select_related("merchant")
        .order_by(F("deadline").asc(nulls_last=True), "created_at")
    )
    for item in open_requests:
        columns[item.status].append(item)
    return columns


def _is_designer(user: User) -> bool:
    return bool(
        user.is_staff
        and user.has_perm("branding.view_brandingrequest")
        and getattr(user, "is_verified", lambda: False)()
    )


def _member_may_open(user: User, merchant_id: int) -> bool:
    """A member of the file's active merchant, with two-factor set up if the merchant requires it."""
    membership = membership_of(user=user, merchant_id=merchant_id)
    if membership is None:
        return False
    return not membership.merchant.require_two_factor or is_mfa_enabled(user)


def file_for(*, user: User, pk: int) -> BrandingFile | None:
    """A branding file the person may open (its merchant's members, or designers), else None."""
    stored = BrandingFile.objects.filter(pk=pk).first()
    if stored is None or not (_is_designer(user) or _member_may_open(user, stored.merchant_id)):
        return None
    return stored
