"""Demo white-label shipping for `make run`: the Saudi demo merchant's brand kit and a placed white-label
order with three consignees, waiting to be paid (by bank transfer, reconciled by finance in the admin).
Paying it starts the jobs: three packing slips in the merchant's name, three bookings, a notice.

`seed()` is idempotent: the kit and the order are made once, and left alone afterwards.
"""

from __future__ import annotations

import io
import math

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from branding.models import BrandKit
from branding.services import upload_brand_kit
from merchants.models import Membership, Merchant
from orders.models import Order, Product
from orders.services import place_order
from shipping.services import ConsigneeData, add_consignees

MERCHANT_CODE = "M-DEMSA"
#: The first order must reach 5,000 SAR; the demo order goes a little beyond.
ORDER_TARGET_SAR = 5400
CONSIGNEES = [
    ("Reem Al-Shehri", "+966551230001", "12 Tahlia Street", "Jeddah", "23431", "SA"),
    ("Hessa Al-Dosari", "+966551230002", "7 Prince Sultan Road", "Riyadh", "12211", "SA"),
    ("Majed Al-Ghamdi", "+966551230003", "3 King Fahd Road", "Dammam", "32241", "SA"),
]
BRAND_KIT = {
    "sender_name": "Dar Al Argan",
    "return_address": "Dar Al Argan, 21 Olaya Street, Riyadh 12214, Saudi Arabia",
    "slip_message": "Thank you for choosing Dar Al Argan. Enjoy your argan oil!",
    "insert_text": "",
    "colours": "#7a4b1e",
}


def _logo() -> SimpleUploadedFile:
    image = Image.new("RGB", (900, 400), "#7a4b1e")
    ImageDraw.Draw(image).ellipse((60, 60, 340, 340), fill="#f2d6a2")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("dar-al-argan.png", buffer.getvalue(), content_type="image/png")


def _quantity(product: Product) -> int:
    """Enough units of `product` to pass the first-order minimum, within its minimum and step."""
    wanted = max(product.min_quantity, math.ceil(ORDER_TARGET_SAR / product.unit_price_sar), len(CONSIGNEES))
    step = product.quantity_step or 1
    return product.min_quantity + math.ceil(max(wanted - product.min_quantity, 0) / step) * step


def seed() -> Order | None:
    """Make the demo brand kit and white-label order once; return the order (None without the merchant)."""
    merchant = Merchant.objects.filter(code=MERCHANT_CODE).first()
    owner = Membership.objects.filter(merchant=merchant, role=Membership.Role.OWNER).select_related("user").first()
    if merchant is None or owner is None:
        return None
    if not BrandKit.objects.filter(merchant=merchant).exists():
        upload_brand_kit(merchant=merchant, by=owner.user, logo=_logo(), data=BRAND_KIT)
    existing = Order.objects.filter(merchant=merchant, delivery_mode=Order.Delivery.WHITE_LABEL).first()
    if existing is not None:
        return existing
    product = Product.objects.filter(is_active=True).filter(stock_status=Product.Stock.IN_STOCK).order_by("sku").first()
    if product is None:
        return None
    quantity = _quantity(product)
    order = place_order(
        merchant=merchant,
        placed_by=owner.user,
        items=[(product, quantity)],
        delivery_mode=Order.Delivery.WHITE_LABEL,
        source="demo",
    )
    line = order.lines.get()
    shares = [quantity // len(CONSIGNEES)] * len(CONSIGNEES)
    shares[0] += quantity - sum(shares)
    add_consignees(
        order=order,
        by=owner.user,
        consignees=[
            ConsigneeData(
                name=name, phone=phone, address_line1=street, city=city, postal_code=postal_code, country=country,
                items={line.pk: share},
            )
            for (name, phone, street, city, postal_code, country), share in zip(CONSIGNEES, shares, strict=True)
        ],
    )  # fmt: skip
    return order
