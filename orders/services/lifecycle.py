"""The order's life cycle: one transition table, one machine, and the named actions everyone calls.

Only `orders` writes an order's status, through `ORDER` (portal.state): payments call `mark_paid` and
`mark_refunded`, shipping calls `start_fulfilment` and `mark_shipped`, the admin `staff_change_status` and
`raise_replacement`, the portal `cancel`. Each action runs under the order's row lock and records who,
when, from where (source and client address) and why in the order's history (`OrderEvent`).

What must happen once an order is paid (its tax invoice, white-label shipping, notices) is not called from
here by name: `mark_paid` runs the after-paid hooks of `orders.extensions`, each of which enqueues its own
task with `delay_on_commit`, so nothing runs before the payment is committed and a failing hook never
undoes it.

Locks, for the whole project, always in this order: merchant -> order -> payment attempt -> shipment, each
through its app's helper (`lock_merchant`, `lock_order` here), `select_for_update(of=("self",))`, and never
while waiting on the network.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from django.db import transaction
from django.utils.translation import gettext as _

from merchants.models import Merchant, User
from orders import extensions
from orders.errors import IllegalTransition
from orders.models import Order, OrderEvent, Product
from orders.services.minimums import NOT_COUNTING, PAID_STATUSES
from orders.services.placing import place_order
from portal import state

logger = logging.getLogger(__name__)

__all__ = [
    "NOT_COUNTING",
    "ORDER",
    "PAID_STATUSES",
    "TRANSITIONS",
    "cancel",
    "cancel_order",
    "lock_merchant",
    "lock_order",
    "mark_completed",
    "mark_paid",
    "mark_refunded",
    "mark_shipped",
    "move",
    "raise_replacement",
    "reject",
    "staff_change_status",
    "start_fulfilment",
]

S = Order.Status

#: Order status moves. Every action below goes through this table.
TRANSITIONS: dict[str, set[str]] = {
    S.AWAITING_PAYMENT: {S.PAID, S.CANCELLED, S.REJECTED},
    S.PAID: {S.IN_FULFILMENT, S.REFUNDED},
    S.IN_FULFILMENT: {S.SHIPPED, S.REFUNDED},
    S.SHIPPED: {S.COMPLETED, S.REFUNDED},
    S.COMPLETED: {S.REFUNDED},
    S.CANCELLED: set(),
    S.REJECTED: set(),
    S.REFUNDED: set(),
}


def _record(order: Order, move: state.Move) -> None:
    OrderEvent.objects.create(
        order=order,
        status=move.after,
        by=cast(User | None, move.by),
        note=move.note,
        source=move.source,
        ip_address=move.ip,
    )


ORDER: state.Machine[Order] = state.Machine(
    model=Order, transitions=TRANSITIONS, error=IllegalTransition, record=_record
)


def lock_merchant(pk: int) -> Merchant:
    """The merchant's row, locked (first in the lock order); call inside a transaction."""
    return state.lock(Merchant, pk)


def lock_order(pk: int, *, related: tuple[str, ...] = ()) -> Order:
    """The order's row, locked; call inside a transaction, after the merchant's lock if you need both.

    `related` rows (e.g. "merchant") are read with it, never locked."""
    return state.lock(Order, pk, related=related)


def move(
    *, order: Order, to: str, by: User | None = None, note: str = "", source: str = "", ip: str | None = None
) -> Order:
    """Change an order's status under its row lock, recording who, when, from where and why (orders only)."""
    return ORDER.move(order.pk, to=to, by=by, note=note, source=source, ip=ip)


def mark_paid(
    *, order: Order, by: User | None = None, source: str = "", note: str = "", ip: str | None = None
) -> Order:
    """Record the payment: the order moves to paid and its after-paid hooks run once it is committed.

    Safe to call twice (a provider event delivered again): an order already paid, or further on, is
    returned unchanged and runs no hook again. A cancelled, rejected or refunded order raises
    `IllegalTransition`, so the caller can refund the money instead. `source` says where the payment was
    confirmed ("stripe", "bank_transfer", "admin"...).
    """
    with transaction.atomic():
        current = lock_order(order.pk)
        if current.status in PAID_STATUSES:
            return current
        paid = ORDER.apply(current, to=S.PAID, by=by, source=source, note=note, ip=ip)
        extensions.run_after_paid(paid)
    return paid


def start_fulfilment(*, order: Order, by: User | None = None, source: str = "shipping", note: str = "") -> Order:
    """A paid order's fulfilment has started (its shipments exist); no-op once it is past paid."""
    with transaction.atomic():
        current = lock_order(order.pk)
        if current.status in PAID_STATUSES - {S.PAID}:
            return current
        return ORDER.apply(current, to=S.IN_FULFILMENT, by=by, source=source, note=note)


def mark_shipped(*, order: Order, by: User | None = None, source: str = "shipping", note: str = "") -> Order:
    """Every parcel of the order has left the warehouse."""
    return ORDER.move(order.pk, to=S.SHIPPED, by=by, source=source, note=note)


def mark_completed(
    *, order: Order, by: User | None = None, source: str = "", note: str = "", ip: str | None = None
) -> Order:
    """The order is done: delivered and nothing left to do."""
    return ORDER.move(order.pk, to=S.COMPLETED, by=by, source=source, note=note, ip=ip)


def mark_refunded(
    *, order: Order, by: User | None = None, source: str = "", note: str = "", ip: str | None = None
) -> Order:
    """Everything received for the order has been returned; it no longer counts for the minimum."""
    return ORDER.move(order.pk, to=S.REFUNDED, by=by, source=source, note=note, ip=ip)


def cancel(
    *, order: Order, by: User | None = None, reason: str = "", source: str = "portal", ip: str | None = None
) -> Order:
    """Cancel an order that has not been paid; a cancelled order no longer counts for the minimum."""
    return ORDER.move(order.pk, to=S.CANCELLED, by=by, note=reason, source=source, ip=ip)


#: the name the portal and the payments' expiry job have always called
cancel_order = cancel


def reject(
    *, order: Order, by: User | None = None, reason: str = "", source: str = "admin", ip: str | None = None
) -> Order:
    """Staff refuse an order that awaits payment, with a reason."""
    return ORDER.move(order.pk, to=S.REJECTED, by=by, note=reason, source=source, ip=ip)


_STAFF_ACTIONS: dict[str, Any] = {S.PAID: mark_paid, S.COMPLETED: mark_completed, S.REFUNDED: mark_refunded}


def staff_change_status(*, order: Order, to: str, by: User, reason: str, ip: str | None = None) -> Order:
    """The admin's status change: the named action for the target, with the reason in the history."""
    if to in _STAFF_ACTIONS:
        return _STAFF_ACTIONS[to](order=order, by=by, source="admin", note=reason, ip=ip)
    if to == S.CANCELLED:
        return cancel(order=order, by=by, reason=reason, source="admin", ip=ip)
    if to == S.REJECTED:
        return reject(order=order, by=by, reason=reason, source="admin", ip=ip)
    return ORDER.move(order.pk, to=to, by=by, note=reason, source="admin", ip=ip)


def raise_replacement(
    *, order: Order, by: User, items: list[tuple[Product, int]], reason: str, ip: str | None = None
) -> Order:
    """A staff replacement for lines of `order`: placed exempt from the minimum and marked paid, in one
    transaction (a replacement is not paid for, so it never waits for a payment)."""
    with transaction.atomic():
        replacement = place_order(
            merchant=order.merchant,
            placed_by=by,
            items=items,
            replaces=order,
            delivery_mode=order.delivery_mode,
            source="admin",
        )
        note = _("Replacement for %(reference)s: %(reason)s") % {"reference": order.reference, "reason": reason}
        return mark_paid(order=replacement, by=by, source="admin", note=note, ip=ip)
