"""Builders for shipping tests: a paid-ready white-label order, a brand kit, consignees."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from branding import services as branding_services
from merchants.models import Membership
from orders import services as order_services
from orders.models import Order
from shipping.services import ConsigneeData, add_consignees
from tests.branding.helpers import png
from tests.factories import MembershipFactory
from tests.orders.factories import ProductFactory

ADDRESSES = [
    ("Amina Haddad", "+966551234567", "amina@example.test", "12 Olaya Street", "Riyadh", "12211", "SA"),
    ("Lucie Martin", "+33612345678", "lucie@example.test", "8 rue Oberkampf", "Paris", "75011", "FR"),
    ("John Carter", "+14155550123", "", "500 Market St", "San Francisco", "94105", "US"),
    ("Oliver Smith", "+447700900123", "oliver@example.test", "10 Downing Street", "London", "SW1A 2AA", "GB"),
]


def white_label_order(*, units: int = 3, owner: Membership | None = None, skus: int = 1) -> tuple[Order, Membership]:
    """A placed (unpaid) white-label order of `units` units on each of `skus` products."""
    owner = owner or MembershipFactory(role=Membership.Role.OWNER)
    products = [ProductFactory(unit_price_sar=Decimal("6000")) for _ in range(skus)]
    order = order_services.place_order(
        merchant=owner.merchant,
        placed_by=owner.user,
        items=[(product, units) for product in products],
        delivery_mode=Order.Delivery.WHITE_LABEL,
    )
    return order, owner


def brand_kit(owner: Membership, *, sender_name: str = "Atlas Argan Boutique", **fields: Any) -> Any:
    """An active brand kit with a logo, as the merchant would bring it."""
    data = {
        "sender_name": sender_name,
        "return_address": "Atlas Argan Boutique, 4 Quai de Valmy, 75010 Paris, France",
        "slip_message": "Thank you for shopping with Atlas Argan Boutique!",
        "insert_text": "",
        "colours": "#1a4d2e",
        **fields,
    }
    return branding_services.upload_brand_kit(
        merchant=owner.merchant, by=owner.user, logo=png(size=(800, 400)), data=data
    )


def consignee(index: int = 0, *, line_id: int, quantity: int = 1) -> ConsigneeData:
    name, phone, email, street, city, postal_code, country = ADDRESSES[index % len(ADDRESSES)]
    return ConsigneeData(
        name=f"{name} {index}" if index >= len(ADDRESSES) else name,
        phone=phone,
        email=email,
        address_line1=street,
        city=city,
        postal_code=postal_code,
        country=country,
        items={line_id: quantity},
    )


def with_consignees(order: Order, owner: Membership, count: int) -> list[Any]:
    line = order.lines.get()
    return add_consignees(order=order, by=owner.user, consignees=[consignee(i, line_id=line.pk) for i in range(count)])


def bare_shipment(*, status: str = "pending", carrier: str = "in_house", **fields: Any) -> Any:
    """A shipment straight in the database (no jobs run), for state-machine and admin tests."""
    from shipping.models import Shipment

    order, owner = white_label_order(units=1)
    (row,) = with_consignees(order, owner, 1)
    return Shipment.objects.create(
        order=order, merchant=order.merchant, consignee=row, status=status, carrier=carrier, **fields
    )
