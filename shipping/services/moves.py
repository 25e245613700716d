"""The shipment's life cycle: its one transition table and machine, its row lock, and the helpers the other
modules of `shipping.services` share to move, fail and enqueue a shipment.

Nobody sets a shipment's `status` anywhere else: every move goes through `SHIPMENT` (`portal.state`), on a row
locked by `lock_shipment`, the last lock of the project's order (merchant, order, payment attempt, shipment).
`booking_guard` serialises the bookings and cancellations of one shipment without locking its row, so that no
carrier is called while the row is locked. Every job is enqueued after commit by `enqueue`; the queue is chosen
by Celery routing (`portal.routing`).

The helpers without an underscore that are not in `__all__` (`move_locked`, `fail_locked`, `enqueue`,
`advance_order`...) belong to this package: `shipping.services` does not export them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from merchants.models import User
from orders import services as order_services
from orders.models import Order
from portal import state
from shipping import tasks
from shipping.errors import IllegalTransition
from shipping.models import Shipment, ShipmentEvent, ShippingPlan

__all__ = [
    "ACTIVE",
    "BOOKED",
    "SHIPMENT",
    "STARTABLE",
    "TRANSITIONS",
    "lock_shipment",
    "move",
    "progress_of",
]

logger = logging.getLogger(__name__)
S = Shipment.Status


#: The one table of shipment moves. Nobody sets `status` anywhere else.
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.PREPARING, S.FAILED, S.CANCELLED},
    S.PREPARING: {S.LABEL_CREATED, S.FAILED, S.CANCELLED},
    S.LABEL_CREATED: {S.HANDED_OVER, S.CANCELLED},
    S.HANDED_OVER: {S.IN_TRANSIT, S.DELIVERED, S.RETURNED},
    S.IN_TRANSIT: {S.DELIVERED, S.RETURNED, S.FAILED},
    S.DELIVERED: {S.RETURNED},
    S.FAILED: {S.PENDING, S.CANCELLED},
    S.RETURNED: set(),
    S.CANCELLED: set(),
}
#: not yet booked: the jobs still have work to do
ACTIVE = {S.PENDING, S.PREPARING}
#: booked with the carrier, whatever happened since
BOOKED = {S.LABEL_CREATED, S.HANDED_OVER, S.IN_TRANSIT, S.DELIVERED, S.RETURNED}
#: the way forward, for tracking updates that skip a step
FORWARD: list[str] = [S.LABEL_CREATED, S.HANDED_OVER, S.IN_TRANSIT, S.DELIVERED]
TRACKED = {S.LABEL_CREATED, S.HANDED_OVER, S.IN_TRANSIT}
WORKER = "worker"


# --- moves -------------------------------------------------------------------------------------------------

RELATED = ("order__merchant", "order__placed_by", "consignee")


def _record(shipment: Shipment, move_: state.Move) -> None:
    ShipmentEvent.objects.create(
        shipment=shipment,
        from_status=move_.before,
        to_status=move_.after,
        by=cast(User | None, move_.by),
        source=move_.source,
        note=move_.note[:2000],
    )


#: The shipment's life cycle: the one place its status changes.
SHIPMENT = state.Machine(
    model=Shipment, transitions=TRANSITIONS, error=IllegalTransition, record=_record, related=RELATED
)


def lock_shipment(shipment_id: int) -> Shipment:
    """The shipment's row (with its order, merchant and consignee, unlocked), locked for the caller's
    transaction: the last lock of the project's order (merchant, order, payment attempt, shipment)."""
    return state.lock(Shipment, shipment_id, related=RELATED)


def move_locked(
    shipment: Shipment,
    to: str,
    *,
    by: User | None = None,
    source: str,
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    """Move a locked shipment, saving `changes` with it, and record the move."""
    now = timezone.now()
    changes = {**(changes or {}), "updated_at": now}
    if to == S.DELIVERED:
        changes["delivered_at"] = now
    SHIPMENT.apply(shipment, to=to, by=by, source=source, note=note, changes=changes)


#: the order statuses in which shipping can start (paid, or already being fulfilled)
STARTABLE = (Order.Status.PAID, Order.Status.IN_FULFILMENT)


def move(*, shipment_id: int, to: str, by: User | None = None, source: str, note: str = "") -> Shipment:
    """Move a shipment to `to` if the table allows it, recording who, from where and why."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        move_locked(shipment, to, by=by, source=source, note=note)
        advance_order(shipment.order, by=by)
    return shipment


# --- enqueueing --------------------------------------------------------------------------------------------


def enqueue(task: Any, ids: Iterable[int]) -> None:
    """Publish `task(id)` for each id once the transaction commits (`delay_on_commit`); a batch goes as one
    message (`tasks.publish_each`) that fans out into the jobs.

    A job that could not be published (broker down) is logged by the task class, never raised to the
    request that committed; its shipment stays in its state, and `requeue_stalled` (scheduled) publishes it
    again: a broker outage delays shipments, it never loses them.
    """
    pending = list(ids)
    if len(pending) == 1:
        task.delay_on_commit(pending[0])
    elif pending:
        tasks.publish_each.delay_on_commit(task.name, pending)


def discard_after_commit(*documents: Any) -> None:
    """Delete these stored files once the transaction that replaces or forgets them has committed."""
    stored = [(document.storage, document.name) for document in documents if document]

    def delete() -> None:
        for storage, name in stored:
            storage.delete(name)

    if stored:
        transaction.on_commit(delete, robust=True)


# --- the booking guard -------------------------------------------------------------------------------------


def booking_guard(shipment_id: int) -> None:
    """Serialise the booking jobs (and cancellations) of one shipment for the caller's transaction, without
    locking its row: a second copy of the job waits here, then finds the shipment booked and calls no carrier,
    while staff, the sweep and the other jobs keep reading and moving the shipment. On PostgreSQL this is a
    transaction-level advisory lock; SQLite runs one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BOOKING_GUARD, shipment_id])


#: the advisory-lock namespace of shipment bookings (any fixed number no other lock of ours uses)
BOOKING_GUARD = 7401


# --- failing, and the order it belongs to ------------------------------------------------------------------


def fail_locked(shipment: Shipment, *, code: str, message: str, keep: Iterable[str] = ()) -> None:
    """Fail a locked shipment with the reason staff read (saving the fields named in `keep` with it)."""
    changes = {name: getattr(shipment, name) for name in keep}
    changes.update(error_code=code[:32], error=message[:1000], retry_at=None)
    move_locked(shipment, S.FAILED, source=WORKER, note=message, changes=changes)
    plan, _created = ShippingPlan.objects.select_for_update(of=("self",)).get_or_create(order=shipment.order)
    alert_staff(shipment, plan=plan)
    tasks.notify_merchant.delay_on_commit(shipment.order_id)


def alert_staff(shipment: Shipment, *, plan: ShippingPlan, withheld: bool = False) -> None:
    """Alert fulfilment staff after commit: a failed shipment, or a consignee notice the leak guard withheld.

    One alert per order and half hour: a carrier outage failing a thousand parcels sends one email, not 1,000.
    """
    now = timezone.now()
    if plan.staff_alerted_at is not None and plan.staff_alerted_at >= now - timedelta(minutes=30):
        return
    plan.staff_alerted_at = now
    plan.save(update_fields=["staff_alerted_at"])
    tasks.alert_fulfilment.delay_on_commit(shipment.pk, withheld)


def advance_order(order: Order, *, by: User | None) -> None:
    """The order is shipped once every parcel that was not cancelled has left the warehouse."""
    statuses = set(Shipment.objects.filter(order=order).values_list("status", flat=True))
    left = {S.HANDED_OVER, S.IN_TRANSIT, S.DELIVERED, S.RETURNED}
    if order.status == Order.Status.IN_FULFILMENT and statuses & left and statuses <= left | {S.CANCELLED}:
        try:
            order_services.mark_shipped(order=order, by=by, source="shipping")
        except order_services.OrderError:
            logger.info("order not moved to shipped", extra={"order": order.pk})


# --- progress ----------------------------------------------------------------------------------------------


def progress_of(order: Order) -> dict[str, int]:
    """Counts for the progress bar: done (booked or further), failed, pending (still in the jobs)."""
    counts = dict(
        Shipment.objects.filter(order=order).values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    done = sum(counts.get(status, 0) for status in BOOKED)
    failed = counts.get(S.FAILED, 0)
    pending = sum(counts.get(status, 0) for status in ACTIVE)
    cancelled = counts.get(S.CANCELLED, 0)
    total = done + failed + pending + cancelled
    return {"total": total, "done": done, "failed": failed, "pending": pending, "cancelled": cancelled}
