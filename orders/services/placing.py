"""Placing an order: price the lines at the rate in force, enforce the minimum, record the order.

The rates, the minimum rule, pricing and sequences it relies on live in `orders.services.rates`,
`minimums`, `pricing` and `sequences`; the order errors are re-exported here for the modules that
import them from this one.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation

from merchants.models import Merchant, User
from orders import tasks
from orders.errors import (
    BelowMinimum,
    EmptyOrder,
    IllegalTransition,
    InvalidQuantity,
    NoRate,
    OrderError,
    ProductUnavailable,
    StaleRate,
)
from orders.models import Order, OrderEvent, OrderLine, Product
from orders.money import BASE_CURRENCY, Money
from orders.services.minimums import below_minimum, minimum_for
from orders.services.pricing import check_orderable, price_lines, vat_on, vat_rate_for
from orders.services.rates import rate_in_force
from orders.services.sequences import next_in_sequence
from portal import state

__all__ = [
    "BelowMinimum",
    "EmptyOrder",
    "IllegalTransition",
    "InvalidQuantity",
    "NoRate",
    "OrderError",
    "ProductUnavailable",
    "StaleRate",
    "place_order",
]


def place_order(
    *,
    merchant: Merchant,
    placed_by: User,
    items: list[tuple[Product, int]],
    delivery_mode: str = Order.Delivery.OWN_ADDRESS,
    replaces: Order | None = None,
    at: datetime | None = None,
    source: str = "portal",
) -> Order:
    """Turn products and quantities into an order, enforcing the merchant's minimum at today's rate.

    `replaces` makes it a staff replacement order, exempt from the minimum.
    """
    at = at or timezone.now()
    items = [(product, quantity) for product, quantity in items if quantity]
    if not items:
        raise EmptyOrder
    for product, quantity in items:
        check_orderable(product=product, quantity=quantity)
    with transaction.atomic():
        merchant = state.lock(Merchant, merchant.pk)  # first in the lock order: placements are judged in turn
        rate = rate_in_force(currency=merchant.currency, at=at)
        lines = price_lines(items=items, rate=rate)
        subtotal = sum((line.total for line in lines), Money(Decimal(0), rate.currency))
        subtotal_sar = sum((line.total_sar for line in lines), Money(Decimal(0), BASE_CURRENCY))
        minimum = minimum_for(merchant=merchant, rate=rate, at=at, exempt=replaces is not None)
        if subtotal_sar < minimum.amount_sar:
            raise below_minimum(minimum, subtotal, subtotal_sar, rate)
        with translation.override(merchant.language):  # lines keep the names the invoice will show
            names = {line.product.pk: line.product.name for line in lines}
        vat_rate = vat_rate_for(country=merchant.country, at=at)
        vat = vat_on(subtotal, vat_rate)
        order = Order.objects.create(
            reference=f"O-{at.year}-{next_in_sequence('order', at.year):06d}",
            merchant=merchant,
            placed_by=placed_by,
            delivery_mode=delivery_mode,
            currency=rate.currency,
            rate_to_sar=rate.rate_to_sar,
            rate_source=rate.source,
            rate_effective_at=rate.effective_at,
            subtotal=subtotal.amount,
            subtotal_sar=subtotal_sar.amount,
            vat_rate=vat_rate,
            vat_amount=vat.amount,
            total=(subtotal + vat).amount,
            minimum_kind=minimum.kind,
            minimum_sar=minimum.amount_sar.amount,
            minimum_in_currency=minimum.amount.amount,
            is_replacement=replaces is not None,
            replaces=replaces,
            placed_at=at,
        )
        OrderLine.objects.bulk_create(
            [
                OrderLine(
                    order=order,
                    product=line.product,
                    sku=line.product.sku,
                    name=names[line.product.pk],
                    quantity=line.quantity,
                    unit_price=line.unit_price.amount,
                    unit_price_sar=line.unit_price_sar.amount,
                    line_total=line.total.amount,
                )
                for line in lines
            ]
        )
        OrderEvent.objects.create(order=order, status=order.status, by=placed_by, source=source, at=at)
        if replaces is None:  # a replacement is not paid for: no pro-forma to settle
            tasks.issue_proforma_invoice.delay_on_commit(order.pk)
    return order
