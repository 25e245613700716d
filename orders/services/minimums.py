"""The minimum-order rule: which minimum an order must reach, and what is missing when it falls short.

The store's policy: 5,000 SAR for a first order, 2,000 SAR for every later one, "or the equivalent".

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
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from merchants.models import Merchant
from orders.errors import BelowMinimum, OrderError
from orders.models import MinimumOrderPolicy, Order
from orders.money import BASE_CURRENCY, Money, convert, convert_up
from orders.services.rates import Rate, rate_in_force

__all__ = [
    "NOT_COUNTING",
    "PAID_STATUSES",
    "Minimum",
    "below_minimum",
    "minimum_for",
    "policy_in_force",
    "shortfall_of",
]

PAID_STATUSES = {Order.Status.PAID, Order.Status.IN_FULFILMENT, Order.Status.SHIPPED, Order.Status.COMPLETED}
NOT_COUNTING = {Order.Status.CANCELLED, Order.Status.REJECTED, Order.Status.REFUNDED}


def policy_in_force(*, at: datetime | None = None) -> MinimumOrderPolicy:
    """The minimum-order policy in force at `at`."""
    policy = MinimumOrderPolicy.objects.filter(effective_from__lte=at or timezone.now()).first()
    if policy is None:
        raise OrderError(_("No minimum-order policy is in force."))
    return policy


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
