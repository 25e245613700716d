"""Reads of branding, scoped to the merchant."""

from __future__ import annotations

from django.db.models import QuerySet

from branding.models import BrandingRequest, BrandKit
from merchants.models import Merchant


def requests_for(*, merchant: Merchant) -> QuerySet[BrandingRequest]:
    return BrandingRequest.objects.filter(merchant=merchant).order_by("-created_at")


def request_detail(*, merchant: Merchant) -> QuerySet[BrandingRequest]:
    return requests_for(merchant=merchant).prefetch_related("proofs__file", "files", "comments__author", "events__by")


def kits_for(*, merchant: Merchant) -> QuerySet[BrandKit]:
    return BrandKit.objects.filter(merchant=merchant).select_related("logo").order_by("-version")


def active_brand_kit(*, merchant: Merchant) -> BrandKit | None:
    """The kit white-label documents wear (the shipping work renders packing slips from it)."""
    return kits_for(merchant=merchant).filter(is_active=True).first()
