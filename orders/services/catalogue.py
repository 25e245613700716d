"""Catalogue upkeep by staff: product photos and bulk price updates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from orders.models import Product, ProductPhoto
from orders.services.carts import LineErrors, parse_lines
from portal.uploads import check_upload, private_name

__all__ = ["add_photo", "update_prices"]

PHOTO_KINDS = {"png", "jpeg", "webp"}


def add_photo(*, product: Product, upload: UploadedFile, alt_text: str = "") -> ProductPhoto:
    """Attach a photo after checking it by content, size and pixel count."""
    kind = check_upload(upload, allowed=PHOTO_KINDS, max_bytes=5 * 1024 * 1024)
    photo = ProductPhoto(
        product=product, content_type=kind.content_type, alt_text=alt_text, position=product.photos.count()
    )
    photo.image.save(private_name("products", kind), upload, save=False)
    photo.save()
    return photo


def update_prices(*, text: str) -> LineErrors:
    """Set SAR prices from "sku,price" lines; good lines are applied, each bad one reported by number."""
    result = LineErrors()
    rows = parse_lines(text)
    products = {p.sku.upper(): p for p in Product.objects.filter(sku__in=[sku.upper() for _, sku, _ in rows])}
    changed = []
    for number, sku, value in rows:
        product = products.get(sku.upper())
        if product is None:
            result.errors.append((number, _("Unknown SKU “%(sku)s”.") % {"sku": sku}))
            continue
        try:
            price = Decimal(value.replace(" ", ""))
        except InvalidOperation:
            price = Decimal(0)
        if price <= 0 or price.as_tuple().exponent < -2:  # type: ignore[operator]
            result.errors.append((number, _("“%(value)s” is not a price in SAR.") % {"value": value}))
            continue
        product.unit_price_sar = price
        changed.append(product)
    with transaction.atomic():
        Product.objects.bulk_update(changed, ["unit_price_sar"])
    result.added = len(changed)
    return result
