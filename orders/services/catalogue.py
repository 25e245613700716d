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


MAX_PRICE = Decimal("9999999999.99")  # what the price column holds


def _price(value: str) -> Decimal | None:
    """A positive SAR price with at most two decimals ("120.50", "120,50", "1 200"), or None."""
    value = value.replace(" ", "").replace("\u00a0", "")
    if value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")  # a decimal comma
    try:
        price = Decimal(value)
    except InvalidOperation:
        return None
    if not price.is_finite() or not 0 < price <= MAX_PRICE or price != price.quantize(Decimal("0.01")):
        return None
    return price


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
        price = _price(value)
        if price is None:
            result.errors.append((number, _("“%(value)s” is not a price in SAR.") % {"value": value}))
            continue
        product.unit_price_sar = price
        changed.append(product)
    with transaction.atomic():
        Product.objects.bulk_update(changed, ["unit_price_sar"])
    result.added = len(changed)
    return result
