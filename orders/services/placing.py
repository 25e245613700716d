"""Use cases of the orders domain: rates in force, the minimum-order rule, placing an order.

The minimum-order rule (the store's policy: 5,000 SAR for a first order, 2,000 SAR for every later
one, "or the equivalent"):

- The amounts and their base currency are data (`MinimumOrderPolicy`, with history), not constants.
- An order *counts* once placed, unless cancelled, rejected or refunded. Staff replacements are exempt
  and never count.
- A merchant with a counting order that has been paid places *repeat* orders (repeat minimum).
- A merchant without one places a *first* order (first-order minimum). While its first order awaits
  payment, a further order is judged against the first-order minimum too (`awaiting_first_payment`):
  the repeat minimum starts once a first order has been paid.
- "Equivalent": catalogue prices are set in SAR, so an order's SAR subtotal (before VAT and delivery)
  is exact whatever its currency, and that is what must reach the minimum. The order's own currency
  amounts are the SAR prices converted with the rate in force at placement (rounded half up to the
  currency's minor unit); a shortfall shown in that currency is rounded up, never understated. The
  order stores the rate, its source and date, the SAR subtotal and the minimum in both currencies, so
  that the decision can be recomputed.
- The decision is taken with the merchant row locked, so two concurrent placements are judged one after
  the other: at most one live order is ever recorded as the merchant's first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from merchants.models import Merchant
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
from orders.models import (
    FIXED_RATES,
    ExchangeRate,
    MinimumOrderPolicy,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    Sequence,
    VatRate,
)
from orders.money import BASE_CURRENCY, Money, convert, convert_up
from portal import state

__all__ = [
    "BelowMinimum",
    "EmptyOrder",
    "IllegalTransition",
    "InvalidQuantity",
    "Minimum",
    "NoRate",
    "OrderError",
    "PricedLine",
    "ProductUnavailable",
    "Rate",
    "StaleRate",
    "below_minimum",
    "check_orderable",
    "check_quantity",
    "minimum_for",
    "next_in_sequence",
    "place_order",
    "policy_in_force",
    "price_lines",
    "unit_price",
    "rate_in_force",
    "vat_on",
    "vat_rate_for",
]

PAID_STATUSES = {Order.Status.PAID, Order.Status.IN_FULFILMENT, Order.Status.SHIPPED, Order.Status.COMPLETED}
NOT_COUNTING = {Order.Status.CANCELLED, Order.Status.REJECTED, Order.Status.REFUNDED}


@dataclass(frozen=True)
class Rate:
    currency: str
    rate_to_sar: Decimal
    source: str
    effective_at: datetime


def rate_in_force(*, currency: str, at: datetime | None = None) -> Rate:
    """The rate of `currency` in force at `at`; refuses a missing or stale one."""
    at = at or timezone.now()
    row = ExchangeRate.objects.filter(currency=currency, effective_at__lte=at).order_by("-effective_at").first()
    if row is None:
        raise NoRate
    max_age = timedelta(hours=settings.EXCHANGE_RATE_MAX_AGE_HOURS)
    if row.currency not in FIXED_RATES and at - row.effective_at > max_age:
        raise StaleRate
    return Rate(row.currency, row.rate_to_sar, row.source, row.effective_at)


def policy_in_force(*, at: datetime | None = None) -> MinimumOrderPolicy:
    """The minimum-order policy in force at `at`."""
    policy = MinimumOrderPolicy.objects.filter(effective_from__lte=at or timezone.now()).first()
    if policy is None:
        raise OrderError(_("No minimum-order policy is in force."))
    return policy


def vat_rate_for(*, country: str, at: datetime | None = None) -> Decimal:
    """The VAT rate charged to merchants of `country` (0 where none is configured)."""
    row = VatRate.objects.filter(country=country, effective_from__lte=at or timezone.now()).first()
    return row.rate if row else Decimal(0)


def vat_on(subtotal: Money, vat_rate: Decimal) -> Money:
    """VAT on a subtotal (before delivery), rounded half up once on the whole, as invoices show it."""
    return Money(subtotal.amount * vat_rate, subtotal.currency)


@dataclass(frozen=True)
class Minimum:
    kind: str
    amount_sar: Money
    amount: Money  # in the order's currency


def minimum_for(*, merchant: Merchant, rate: Rate, at: datetime | None = None, exempt: bool = False) -> Minimum:
    """Which minimum the merchant's next order must reach, in SAR and in the order's currency."""
    if exempt:
        zero = Money(Decimal(0), rate.currency)
        return Minimum(Order.MinimumKind.EXEMPT, Money(Decimal(0), BASE_CURRENCY), zero)
    policy = policy_in_force(at=at)
    counting = Order.objects.filter(merchant=merchant, is_replacement=False).exclude(status__in=NOT_COUNTING)
    if counting.filter(status__in=PAID_STATUSES).exists():
        kind, amount = Order.MinimumKind.REPEAT, policy.repeat_order_minimum
    elif counting.exists():
        kind, amount = Order.MinimumKind.AWAITING_FIRST_PAYMENT, policy.first_order_minimum
    else:
        kind, amount = Order.MinimumKind.FIRST, policy.first_order_minimum
    base_rate = rate if policy.base_currency == rate.currency else rate_in_force(currency=policy.base_currency, at=at)
    amount_sar = convert(Money(amount, policy.base_currency), rate_to_sar=base_rate.rate_to_sar, to=BASE_CURRENCY)
    return Minimum(kind, amount_sar, convert(amount_sar, rate_to_sar=rate.rate_to_sar, to=rate.currency))


@dataclass(frozen=True)
class PricedLine:
    product: Product
    quantity: int
    unit_price: Money
    unit_price_sar: Money

    @property
    def total(self) -> Money:
        return self.unit_price.times(self.quantity)

    @property
    def total_sar(self) -> Money:
        return self.unit_price_sar.times(self.quantity)


#: The most of one product a line may hold (a typo guard, well above any wholesale order).
MAX_QUANTITY = 100_000


def check_quantity(*, product: Product, quantity: int) -> None:
    """Refuse a quantity below the product's minimum, off its step, or beyond any sensible order."""
    if quantity > MAX_QUANTITY:
        raise InvalidQuantity(
            _("At most %(maximum)s of %(sku)s on one line.") % {"maximum": f"{MAX_QUANTITY:,}", "sku": product.sku}
        )
    if quantity < max(product.min_quantity, 1) or quantity % product.quantity_step:
        raise InvalidQuantity(
            _("%(sku)s is sold from %(minimum)s in steps of %(step)s.")
            % {"sku": product.sku, "minimum": product.min_quantity, "step": product.quantity_step}
        )


def check_orderable(*, product: Product, quantity: int) -> None:
    """Refuse a product that is no longer listed or is out of stock, then check the quantity."""
    if not product.is_active or product.stock_status == Product.Stock.OUT:
        raise ProductUnavailable(
            _("%(sku)s cannot be ordered at the moment (out of stock or no longer listed).") % {"sku": product.sku}
        )
    check_quantity(product=product, quantity=quantity)


def unit_price(*, product: Product, rate: Rate) -> Money:
    """A product's price per unit in the rate's currency: the catalogue, cart, order and invoice all get it here."""
    return convert(Money(product.unit_price_sar, BASE_CURRENCY), rate_to_sar=rate.rate_to_sar, to=rate.currency)


def price_lines(*, items: list[tuple[Product, int]], rate: Rate) -> list[PricedLine]:
    """Price products in the order's currency: the one pricing function carts, orders and invoices use."""
    return [
        PricedLine(
            product, quantity, unit_price(product=product, rate=rate), Money(product.unit_price_sar, BASE_CURRENCY)
        )
        for product, quantity in items
    ]


def next_in_sequence(name: str, year: int) -> int:
    """The next number of an unbroken yearly sequence (call inside a transaction)."""
    sequence, _created = Sequence.objects.select_for_update(of=("self",)).get_or_create(name=name, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def shortfall_of(minimum: Minimum, subtotal_sar: Money, rate: Rate) -> tuple[Money, Money] | None:
    """What is missing to reach the minimum, in SAR and (rounded up) in the order's currency."""
    if subtotal_sar >= minimum.amount_sar:
        return None
    shortfall_sar = minimum.amount_sar - subtotal_sar
    return shortfall_sar, convert_up(shortfall_sar, rate_to_sar=rate.rate_to_sar, to=rate.currency)


def below_minimum(minimum: Minimum, subtotal: Money, subtotal_sar: Money, rate: Rate) -> BelowMinimum:
    shortfall_sar, shortfall = shortfall_of(minimum, subtotal_sar, rate) or (subtotal_sar, subtotal)
    total_sar = subtotal_sar
    which = _("first order") if minimum.kind != Order.MinimumKind.REPEAT else _("repeat order")
    message = _(
        "The minimum for a %(which)s is %(minimum)s (%(minimum_sar)s). Your order comes to %(total)s "
        "(%(total_sar)s): add %(shortfall)s (%(shortfall_sar)s) to place it."
    ) % {
        "which": which,
        "minimum": minimum.amount,
        "minimum_sar": minimum.amount_sar,
        "total": subtotal,
        "total_sar": total_sar,
        "shortfall": shortfall,
        "shortfall_sar": shortfall_sar,
    }
    return BelowMinimum(
        message,
        minimum=minimum.amount,
        minimum_sar=minimum.amount_sar,
        total=subtotal,
        total_sar=total_sar,
        shortfall=shortfall,
        shortfall_sar=shortfall_sar,
        kind=minimum.kind,
    )


def place_order(
    *,
    merchant: Merchant,
    placed_by: Any,
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
