"""Shipments: one per consignee once the order is paid, moved through one transition table.

The jobs (slip -> carrier -> notices) are services here; `shipping.tasks` only loads ids and calls
them. Each job takes the shipment's row lock and checks its state first, so running it twice, or
again after a worker died half-way, changes nothing the first run already did. The carrier is always
called with the shipment's idempotency key, so even a booking whose answer was lost is not repeated.

No carrier is called while the shipment's row is locked: the booking job reads what it needs under the
lock, calls the carrier with the idempotency key while holding only its booking guard (which serialises the
booking jobs of one shipment, and blocks nothing else), then locks the row again to record the answer.
Every job is enqueued with `delay_on_commit`; the queue is chosen by Celery routing (`portal.routing`).
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from audit.disclosures import record_disclosure
from audit.models import Disclosure
from branding.selectors import active_brand_kit
from orders import services as order_services
from orders.models import Order, OrderEvent
from portal import leak_guard, state
from portal.notices import send_once
from portal.pdf import render_pdf
from portal.uploads import PDF, private_name
from shipping import documents, tasks
from shipping.carriers import Booking, Carrier, CarrierError, CarrierRejected, Parcel, carrier_for
from shipping.carriers.in_house import InHouseCourier
from shipping.errors import (
    BookingStillLive,
    CarrierFailed,
    IllegalTransition,
    NoBrandKit,
    NoticeWithheld,
    NotWhiteLabel,
    OrderNotPaid,
    ParcelLost,
    SlipBlocked,
    TrackingFailed,
    TrackingNumberNeeded,
)
from shipping.models import Consignee, Shipment, ShipmentEvent, ShippingPlan
from shipping.services import notices

__all__ = [
    "ACTIVE",
    "BOOKED",
    "SHIPMENT",
    "STARTABLE",
    "TRANSITIONS",
    "staff_move",
    "backoff_delay",
    "book_shipment",
    "cancel_shipment",
    "confirm_cancelled_at_carrier",
    "give_up",
    "hand_over",
    "lock_shipment",
    "move",
    "note_transient_error",
    "notify_merchant_when_settled",
    "notify_shipment",
    "notify_tracking_numbers",
    "send_fulfilment_alert",
    "parcel_of",
    "prepare_shipment",
    "progress_of",
    "pull_tracking",
    "render_packing_slip",
    "requeue_stalled",
    "retry_shipment",
    "start_unshipped_orders",
    "start_shipping_for_merchant",
    "start_white_label_shipping",
    "sync_tracking",
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
        by=move_.by,
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


def _move(
    shipment: Shipment,
    to: str,
    *,
    by: Any = None,
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


def move(*, shipment_id: int, to: str, by: Any = None, source: str, note: str = "") -> Shipment:
    """Move a shipment to `to` if the table allows it, recording who, from where and why."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        _move(shipment, to, by=by, source=source, note=note)
        _advance_order(shipment.order, by=by)
    return shipment


# --- enqueueing --------------------------------------------------------------------------------------------


def _enqueue(task: Any, ids: Iterable[int]) -> None:
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


# --- starting ----------------------------------------------------------------------------------------------


def start_white_label_shipping(*, order: Order, by: Any = None, source: str = "payment") -> list[Shipment]:
    """Create one shipment per consignee of a paid white-label order and start their jobs.

    Safe to call again (a payment event delivered twice, or consignees added after payment): only
    consignees without a shipment get one. An order delivered to the merchant's own address has none.
    """
    if order.delivery_mode != Order.Delivery.WHITE_LABEL:
        return []
    with transaction.atomic():
        order = order_services.lock_order(order.pk, related=("merchant",))
        if order.status not in STARTABLE:
            raise OrderNotPaid
        consignees = list(Consignee.objects.filter(order=order, shipment__isnull=True).order_by("number"))
        if not consignees:
            return []
        plan, _created = ShippingPlan.objects.get_or_create(order=order)
        if plan.started_at is None:
            plan.started_at = timezone.now()
            plan.save(update_fields=["started_at"])
        shipments = Shipment.objects.bulk_create(
            [
                Shipment(order=order, merchant=order.merchant, consignee=consignee, carrier=settings.SHIPPING_CARRIER)
                for consignee in consignees
            ]
        )
        if any(shipment.pk is None for shipment in shipments):
            shipments = list(Shipment.objects.filter(consignee__in=consignees).order_by("pk"))
        ShipmentEvent.objects.bulk_create(
            [
                ShipmentEvent(shipment=shipment, from_status="", to_status=S.PENDING, by=by, source=source)
                for shipment in shipments
            ]
        )
        if order.status == Order.Status.PAID:
            order_services.start_fulfilment(order=order, by=by, source="shipping")
        _enqueue(tasks.prepare_shipment, [shipment.pk for shipment in shipments])
    return shipments


def start_shipping_for_merchant(*, order: Order, by: Any) -> list[Shipment]:
    """The merchant sends a paid order's consignees to the warehouse (when they were added after payment)."""
    if order.delivery_mode != Order.Delivery.WHITE_LABEL:
        raise NotWhiteLabel
    return start_white_label_shipping(order=order, by=by, source="portal")


def _discard_after_commit(*documents: Any) -> None:
    """Delete these stored files once the transaction that replaces or forgets them has committed."""
    stored = [(document.storage, document.name) for document in documents if document]

    def delete() -> None:
        for storage, name in stored:
            storage.delete(name)

    if stored:
        transaction.on_commit(delete, robust=True)


# --- job 1: the packing slip -------------------------------------------------------------------------------


def render_packing_slip(*, shipment: Shipment) -> bytes:
    """The packing slip PDF in the merchant's brand, checked by the leak guard; raises SlipBlocked."""
    kit = active_brand_kit(merchant=shipment.order.merchant)
    if kit is None or not kit.sender_name.strip():
        raise NoBrandKit
    logo = documents.logo_bytes(kit)
    if logo is not None and leak_guard.is_store_logo(logo[0]):
        raise SlipBlocked(what=leak_guard.KIND_LABELS["logo"])
    context = documents.slip_context(shipment=shipment, kit=kit, logo=logo)
    pdf = render_pdf("shipping/packing_slip.html", context, language=shipment.order.merchant.language)
    _check_document(pdf)
    return pdf


def _check_document(pdf: bytes) -> None:
    leaks = leak_guard.find_leaks_in_pdf(pdf)
    if leaks:
        raise SlipBlocked(what=", ".join(leak.label for leak in leaks))


def prepare_shipment(*, shipment_id: int) -> str:
    """Job 1: render and keep the packing slip, then hand over to the booking job."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        if shipment.status == S.PREPARING:  # the slip is ready but the booking job was never published
            _enqueue(tasks.book_shipment, [shipment.pk])
            return shipment.status
        if shipment.status != S.PENDING:
            return shipment.status
        _move(shipment, S.PREPARING, source=WORKER)
        try:
            pdf = render_packing_slip(shipment=shipment)
        except SlipBlocked as exc:
            _fail(shipment, code=exc.code, message=str(exc))
            return shipment.status
        _discard_after_commit(shipment.slip)
        shipment.slip.save(private_name("shipping/slips", PDF), ContentFile(pdf), save=False)
        shipment.save(update_fields=["slip"])
        _enqueue(tasks.book_shipment, [shipment.pk])
    return shipment.status


# --- job 2: the carrier ------------------------------------------------------------------------------------


def parcel_of(shipment: Shipment, kit: Any) -> Parcel:
    """What the carrier is told: the merchant as sender, the consignee as recipient."""
    consignee = shipment.consignee
    return Parcel(
        reference=shipment.reference,
        idempotency_key=str(shipment.idempotency_key),
        sender_name=kit.sender_name,
        sender_address=kit.return_address,
        recipient_name=consignee.name,
        recipient_phone=consignee.phone,
        address_lines=tuple(line for line in (consignee.address_line1, consignee.address_line2) if line),
        city=consignee.city,
        postal_code=consignee.postal_code,
        country=consignee.country,
        pieces=sum(item.quantity for item in consignee.items.all()),
        language=shipment.order.merchant.language,
    )


def _booking_guard(shipment_id: int) -> None:
    """Serialise the booking jobs (and cancellations) of one shipment for the caller's transaction, without
    locking its row: a second copy of the job waits here, then finds the shipment booked and calls no carrier,
    while staff, the sweep and the other jobs keep reading and moving the shipment. On PostgreSQL this is a
    transaction-level advisory lock; SQLite runs one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BOOKING_GUARD, shipment_id])


#: the advisory-lock namespace of shipment bookings (any fixed number no other lock of ours uses)
BOOKING_GUARD = 7401


def book_shipment(*, shipment_id: int) -> str:
    """Job 2: book the carrier once, keep the tracking number and label, then hand over to the notices.

    Read, call the carrier with the idempotency key with no row lock held (only the booking guard, so a
    second copy of this job waits and then finds the shipment booked), then lock the row to record the
    answer. `CarrierUnavailable` leaves everything as it was, for the task to retry.
    """
    with transaction.atomic():
        _booking_guard(shipment_id)
        # Read without the row lock: every path that books or cancels at the carrier holds the guard, and the
        # answer is recorded under the row lock after the call, re-checked there.
        shipment = Shipment.objects.select_related(*RELATED).get(pk=shipment_id)
        if shipment.status != S.PREPARING:
            return shipment.status
        kit = active_brand_kit(merchant=shipment.order.merchant)
        if kit is None:
            shipment = lock_shipment(shipment_id)
            if shipment.status == S.PREPARING:
                _fail(shipment, code=NoBrandKit.code, message=str(NoBrandKit()))
            return shipment.status
        parcel = parcel_of(shipment, kit)
        return _book_and_record(shipment_id, parcel=parcel, carrier=carrier_for(shipment.carrier))


def _book_and_record(shipment_id: int, *, parcel: Parcel, carrier: Carrier) -> str:
    """Call the carrier (network), then lock the shipment and record what it answered."""
    try:
        booking = carrier.book(parcel)
    except CarrierRejected as exc:
        return _record_booking(shipment_id, carrier=carrier, rejected=exc)
    leak = None
    if booking.label_pdf:
        try:
            _check_document(booking.label_pdf)
        except SlipBlocked as exc:
            leak = exc
    cancelled = leak is not None and _cancel_at_carrier(carrier, booking.carrier_reference)
    return _record_booking(shipment_id, carrier=carrier, booking=booking, leak=leak, cancelled=cancelled)


def _record_booking(
    shipment_id: int,
    *,
    carrier: Carrier,
    booking: Booking | None = None,
    rejected: CarrierRejected | None = None,
    leak: SlipBlocked | None = None,
    cancelled: bool = False,
) -> str:
    """Under the row lock: keep the carrier's answer (a booking, a refusal, or a label that would leak)."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        if shipment.status != S.PREPARING:
            return shipment.status
        if rejected is not None or booking is None:
            reason = rejected.message if rejected is not None else ""
            _fail(
                shipment, code=getattr(rejected, "code", CarrierFailed.code), message=str(CarrierFailed(reason=reason))
            )
            return shipment.status
        _record_carrier_disclosure(shipment, carrier)
        shipment.carrier_reference = booking.carrier_reference
        shipment.attempts += 1
        kept = ["carrier_reference", "attempts"]
        if leak is not None:
            if cancelled:
                _fail(shipment, code="leak_label", message=str(leak), keep=kept)
            else:
                shipment.booking_live_at_carrier = True
                live = BookingStillLive(reference=shipment.carrier_reference)
                _fail(shipment, code=live.code, message=f"{leak} {live}", keep=[*kept, "booking_live_at_carrier"])
            return shipment.status
        if booking.label_pdf:
            _discard_after_commit(shipment.label)
            shipment.label.save(private_name("shipping/labels", PDF), ContentFile(booking.label_pdf), save=False)
            kept.append("label")
        changes = {name: getattr(shipment, name) for name in kept}
        changes.update(
            tracking_number=booking.tracking_number or shipment.tracking_number,
            booked_at=timezone.now(),
            retry_at=None,
            error_code="",
            error="",
        )
        _move(shipment, S.LABEL_CREATED, source=carrier.code, note=booking.carrier_reference, changes=changes)
        _enqueue(tasks.notify_shipment, [shipment.pk])
    return shipment.status


def _record_carrier_disclosure(shipment: Shipment, carrier: Carrier) -> None:
    """The consignee's name, phone and address went to an outside carrier: one entry in the privacy ledger."""
    if not carrier.third_party:
        return  # the in-house courier is us: nothing left the company
    record_disclosure(
        recipient=Disclosure.Recipient.CARRIER,
        recipient_name=str(carrier.name),
        categories=[Disclosure.Category.NAME, Disclosure.Category.PHONE, Disclosure.Category.ADDRESS],
        purpose="Delivery of a white-label parcel",
        merchant=shipment.order.merchant,
        order=shipment.order,
    )


def backoff_delay(attempt: int) -> float:
    """Seconds before carrier attempt `attempt + 1`: doubling from the base, capped, with jitter.

    Half the delay is fixed and half random, so retries of many shipments after one outage spread out
    instead of hitting the carrier together, while each one still waits longer than the last.
    """
    ceiling = min(settings.SHIPPING_RETRY_MAX_SECONDS, settings.SHIPPING_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not a secret


def note_transient_error(*, shipment_id: int, error: CarrierError, attempt: int, retry_in: float) -> None:
    """Show staff that the carrier is failing and when the next attempt is due (the state is unchanged)."""
    Shipment.objects.filter(pk=shipment_id, status__in=ACTIVE).update(
        attempts=attempt,
        error_code=error.code,
        error=error.message[:1000],
        retry_at=timezone.now() + timedelta(seconds=retry_in),
    )


def give_up(*, shipment_id: int, error: CarrierError) -> str:
    """After the last retry: the shipment fails, fulfilment staff are alerted, an admin action can retry it."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        if shipment.status not in ACTIVE:
            return shipment.status
        shipment.attempts = max(shipment.attempts, settings.SHIPPING_MAX_ATTEMPTS)
        _fail(shipment, code=error.code, message=error.message, keep=["attempts"])
    return shipment.status


def _fail(shipment: Shipment, *, code: str, message: str, keep: Iterable[str] = ()) -> None:
    """Fail a locked shipment with the reason staff read (saving the fields named in `keep` with it)."""
    changes = {name: getattr(shipment, name) for name in keep}
    changes.update(error_code=code[:32], error=message[:1000], retry_at=None)
    _move(shipment, S.FAILED, source=WORKER, note=message, changes=changes)
    plan, _created = ShippingPlan.objects.select_for_update(of=("self",)).get_or_create(order=shipment.order)
    _alert_staff(shipment, plan=plan)
    tasks.notify_merchant.delay_on_commit(shipment.order_id)


def _alert_staff(shipment: Shipment, *, plan: ShippingPlan, withheld: bool = False) -> None:
    """Alert fulfilment staff after commit: a failed shipment, or a consignee notice the leak guard withheld.

    One alert per order and half hour: a carrier outage failing a thousand parcels sends one email, not 1,000.
    """
    now = timezone.now()
    if plan.staff_alerted_at is not None and plan.staff_alerted_at >= now - timedelta(minutes=30):
        return
    plan.staff_alerted_at = now
    plan.save(update_fields=["staff_alerted_at"])
    tasks.alert_fulfilment.delay_on_commit(shipment.pk, withheld)


def send_fulfilment_alert(*, shipment_id: int, withheld: bool = False) -> None:
    """Email fulfilment staff about a failed shipment (with how many of the order failed), or about a consignee
    notice the leak guard withheld. Sent by a task, after the commit that decided it (one per half hour)."""
    shipment = Shipment.objects.select_related("order").get(pk=shipment_id)
    if withheld:
        notices.alert_notice_withheld(order=shipment.order, shipment=shipment)
        return
    failed = Shipment.objects.filter(order=shipment.order, status=S.FAILED).count()
    notices.alert_fulfilment(order=shipment.order, shipment=shipment, failed_count=failed)


def _cancel_at_carrier(carrier: Carrier, carrier_reference: str) -> bool:
    """Cancel a booking at the carrier (network: no row lock held); False if the carrier did not confirm it."""
    try:
        carrier.cancel(carrier_reference=carrier_reference)
    except CarrierError as exc:
        logger.warning("carrier cancel failed", extra={"carrier": carrier.code, "code": exc.code})
        return False
    return True


# --- job 3: the notices ------------------------------------------------------------------------------------


def notify_shipment(*, shipment_id: int) -> str:
    """Job 3: the consignee's notice (if the merchant chose it), then the merchant's once all are settled.

    The shipment's `notified_at` is the notice's marker (`portal.notices.send_once`): no row lock is held
    while the email goes out, and a second run sends nothing."""
    shipment = Shipment.objects.get(pk=shipment_id)
    if shipment.status not in BOOKED:
        return shipment.status
    send_once(Shipment, shipment_id, marker="notified_at", send=_notify_consignee)
    notify_merchant_when_settled(order_id=shipment.order_id)
    return Shipment.objects.values_list("status", flat=True).get(pk=shipment_id)


def _notify_consignee(shipment: Shipment) -> int:
    """The consignee's notice, in the merchant's name, if the merchant chose it; a withheld one is shown to
    staff on the shipment (and alerted), and the parcel goes anyway."""
    plan = ShippingPlan.objects.filter(order_id=shipment.order_id).first()
    if plan is None or not plan.notify_consignees:
        return 0
    kit = active_brand_kit(merchant=shipment.order.merchant)
    if kit is None:
        return 0
    try:
        return int(notices.notify_consignee(shipment=shipment, kit=kit, language=shipment.order.merchant.language))
    except NoticeWithheld as exc:
        with transaction.atomic():
            locked = lock_shipment(shipment.pk)
            locked.error_code, locked.error = exc.code, str(exc)[:1000]
            locked.save(update_fields=["error_code", "error"])
            plan = ShippingPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
            _alert_staff(locked, plan=plan, withheld=True)
        return 0


def _unsettled(order_id: int) -> QuerySet[Shipment]:
    return Shipment.objects.filter(order_id=order_id).filter(
        Q(status__in=ACTIVE) | Q(status__in=BOOKED, notified_at__isnull=True)
    )


def notify_merchant_when_settled(*, order_id: int) -> int:
    """Once every shipment of the order is booked (and noticed) or failed, tell the merchant, once (the plan's
    `merchant_notified_at` is the marker); returns how many emails went out."""
    plan = ShippingPlan.objects.filter(order_id=order_id).first()
    if plan is None or plan.merchant_notified_at is not None or _unsettled(order_id).exists():
        return 0

    def send(plan: ShippingPlan) -> int:
        order = Order.objects.select_related("placed_by").get(pk=plan.order_id)
        notices.notify_merchant(order=order, shipments=list(Shipment.objects.filter(order=order).order_by("pk")))
        return 1

    return send_once(ShippingPlan, plan.pk, marker="merchant_notified_at", send=send)


# --- staff actions -----------------------------------------------------------------------------------------


def retry_shipment(*, shipment_id: int, by: Any, note: str = "") -> Shipment:
    """Staff retry a failed shipment: back to pending, the jobs run again (a new carrier key if one was used)."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        if shipment.status != S.FAILED:
            raise IllegalTransition(current=SHIPMENT.label(shipment.status), target=SHIPMENT.label(S.PENDING))
        if shipment.booking_live_at_carrier:
            raise BookingStillLive(reference=shipment.carrier_reference)
        if shipment.carrier_reference:  # that booking was cancelled: the next one is a new booking
            shipment.idempotency_key = uuid.uuid4()
            shipment.carrier_reference = shipment.tracking_number = ""
        # The jobs make a new slip and label: the old ones (which print the address) must not linger.
        _discard_after_commit(shipment.slip, shipment.label)
        changes = {
            "idempotency_key": shipment.idempotency_key,
            "carrier_reference": shipment.carrier_reference,
            "tracking_number": shipment.tracking_number,
            "slip": "",
            "label": "",
            "attempts": 0,
            "error_code": "",
            "error": "",
            "retry_at": None,
            "notified_at": None,
        }
        _move(shipment, S.PENDING, by=by, source="admin", note=note, changes=changes)
        # The merchant hears again once the retried parcels are booked (or fail again).
        ShippingPlan.objects.filter(order=shipment.order).update(merchant_notified_at=None, tracking_notified_at=None)
        _enqueue(tasks.prepare_shipment, [shipment.pk])
    return shipment


def confirm_cancelled_at_carrier(*, shipment_id: int, by: Any, note: str = "") -> Shipment:
    """Staff confirm that a booking left live at the carrier has been cancelled there, so it may be retried."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        if not shipment.booking_live_at_carrier:
            return shipment
        shipment.booking_live_at_carrier = False
        shipment.save(update_fields=["booking_live_at_carrier"])
        # Not a move: recorded in the history so that who confirmed it, and when, stays visible.
        ShipmentEvent.objects.create(
            shipment=shipment,
            from_status=shipment.status,
            to_status=shipment.status,
            by=by,
            source="admin",
            note=f"cancelled at the carrier: {shipment.carrier_reference} {note}".strip()[:2000],
        )
    return shipment


def hand_over(*, shipment_id: int, by: Any, tracking_number: str = "", note: str = "") -> Shipment:
    """Staff hand the parcel to the courier; the in-house courier's tracking number is typed here."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        tracking_number = tracking_number.strip()[:64] or shipment.tracking_number
        if not tracking_number:
            raise TrackingNumberNeeded
        changes = {"tracking_number": tracking_number}
        _move(shipment, S.HANDED_OVER, by=by, source="admin", note=note, changes=changes)
        if shipment.carrier == InHouseCourier.code:
            _send_tracking_numbers_when_complete(shipment.order)
        _advance_order(shipment.order, by=by)
    return shipment


def _tracked_parcels(order_id: int) -> list[Shipment] | None:
    """Every parcel of the order (cancelled ones aside), if each has its tracking number; else None."""
    parcels = list(Shipment.objects.filter(order_id=order_id).exclude(status=S.CANCELLED).order_by("pk"))
    if not parcels or any(not parcel.tracking_number for parcel in parcels):
        return None
    return parcels


def _send_tracking_numbers_when_complete(order: Order) -> None:
    """In-house parcels get their tracking numbers at hand-over: once every parcel of the order (cancelled
    ones aside) has one, the merchant gets them all in one notice, once (by task, after commit)."""
    if _tracked_parcels(order.pk) is not None:
        tasks.notify_tracking.delay_on_commit(order.pk)


def notify_tracking_numbers(*, order_id: int) -> int:
    """Send the merchant every parcel's tracking number in one notice, once (the plan's `tracking_notified_at`
    is the marker); returns how many emails went out."""
    plan = ShippingPlan.objects.filter(order_id=order_id).first()
    if plan is None or plan.tracking_notified_at is not None or _tracked_parcels(order_id) is None:
        return 0

    def send(plan: ShippingPlan) -> int:
        parcels = _tracked_parcels(order_id) or []
        order = Order.objects.select_related("placed_by").get(pk=order_id)
        notices.notify_merchant_tracking(order=order, shipments=parcels)
        return 1

    return send_once(ShippingPlan, plan.pk, marker="tracking_notified_at", send=send)


def cancel_shipment(*, shipment_id: int, by: Any, note: str) -> Shipment:
    """Staff cancel a shipment not yet handed over; a carrier booking is cancelled with it."""
    with transaction.atomic():
        _booking_guard(shipment_id)  # no booking of this shipment is under way while the carrier cancels it
        shipment = Shipment.objects.get(pk=shipment_id)
        SHIPMENT.check(shipment.status, S.CANCELLED)
        if shipment.carrier_reference:  # the network first, with no row lock held
            try:
                carrier_for(shipment.carrier).cancel(carrier_reference=shipment.carrier_reference)
            except CarrierError as exc:
                raise CarrierFailed(reason=exc.message) from exc
        shipment = lock_shipment(shipment_id)
        _move(shipment, S.CANCELLED, by=by, source="admin", note=note)
        _advance_order(shipment.order, by=by)
    return shipment


def _advance_order(order: Order, *, by: Any) -> None:
    """The order is shipped once every parcel that was not cancelled has left the warehouse."""
    statuses = set(Shipment.objects.filter(order=order).values_list("status", flat=True))
    left = {S.HANDED_OVER, S.IN_TRANSIT, S.DELIVERED, S.RETURNED}
    if order.status == Order.Status.IN_FULFILMENT and statuses & left and statuses <= left | {S.CANCELLED}:
        try:
            order_services.mark_shipped(order=order, by=by, source="shipping")
        except order_services.OrderError:
            logger.info("order not moved to shipped", extra={"order": order.pk})


# --- tracking ----------------------------------------------------------------------------------------------


def _path(current: str, target: str) -> list[str]:
    if target == current:
        return []
    if SHIPMENT.allows(current, target):
        return [target]
    if current in FORWARD and target in FORWARD and FORWARD.index(target) > FORWARD.index(current):
        return FORWARD[FORWARD.index(current) + 1 : FORWARD.index(target) + 1]
    if current in FORWARD and target not in FORWARD:
        # Lost or returned before we saw it leave: the parcel was picked up, so walk there first.
        for index in range(FORWARD.index(current) + 1, len(FORWARD)):
            if SHIPMENT.allows(FORWARD[index], target):
                return [*FORWARD[FORWARD.index(current) + 1 : index + 1], target]
    return []


def sync_tracking(*, shipment_id: int) -> str:
    """Pull where the carrier says the parcel is and walk the shipment there, step by recorded step."""
    shipment = Shipment.objects.get(pk=shipment_id)
    if shipment.status not in TRACKED or not shipment.carrier_reference:
        return shipment.status
    carrier = carrier_for(shipment.carrier)
    update = carrier.track(carrier_reference=shipment.carrier_reference, tracking_number=shipment.tracking_number)
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        shipment.tracked_at = timezone.now()
        if shipment.error_code == TrackingFailed.code:  # read again: the earlier failure is over
            shipment.error_code = shipment.error = ""
        shipment.save(update_fields=["tracked_at", "error_code", "error"])
        if update is not None and shipment.status in TRACKED:
            for step in _path(shipment.status, update.status):
                if step == S.FAILED:
                    _fail(shipment, code=ParcelLost.code, message=str(ParcelLost(status=update.note)))
                else:
                    _move(shipment, step, source=carrier.code, note=update.note)
            _advance_order(shipment.order, by=None)
    return shipment.status


def pull_tracking(*, limit: int = 500) -> int:
    """Scheduled: pull tracking for the parcels out with carriers that give it; returns how many moved.

    Each parcel is pulled on its own: a bad answer about one is recorded on it (and it goes to the back of
    the queue), and the run goes on with the others.
    """
    codes = ["http"] if _gives_tracking("http") else []
    ids = list(
        Shipment.objects.filter(status__in=TRACKED, carrier__in=codes)
        .exclude(carrier_reference="")
        .order_by(F("tracked_at").asc(nulls_first=True), "pk")
        .values_list("pk", "status")[:limit]
    )
    moved = 0
    for pk, status in ids:
        try:
            moved += sync_tracking(shipment_id=pk) != status
        except Exception as exc:  # noqa: BLE001 - one bad answer must not stop the run
            reason = exc.message if isinstance(exc, CarrierError) else type(exc).__name__
            logger.warning("tracking pull failed", extra={"shipment": pk, "code": getattr(exc, "code", reason)})
            Shipment.objects.filter(pk=pk).update(
                tracked_at=timezone.now(), error_code=TrackingFailed.code, error=str(TrackingFailed(reason=reason))
            )
    return moved


def _gives_tracking(code: str) -> bool:
    """True when the carrier is configured and gives tracking."""
    try:
        return carrier_for(code).gives_tracking_number
    except CarrierError:
        return False


# --- the sweep ---------------------------------------------------------------------------------------------


def requeue_stalled(*, older_than: timedelta | None = None) -> int:
    """Scheduled: publish again the jobs of shipments that have not moved for a while (lost to a broker
    outage, a restart, a purge), and the merchant's notice of orders whose parcels all settled without it.
    The jobs are idempotent, so a shipment that was merely slow is safe. Returns how many were published."""
    older_than = settings.SHIPPING_STALLED_MINUTES * timedelta(minutes=1) if older_than is None else older_than
    cutoff = timezone.now() - older_than
    stalled = Shipment.objects.filter(updated_at__lte=cutoff).filter(Q(retry_at__isnull=True) | Q(retry_at__lte=cutoff))
    jobs: list[tuple[Any, QuerySet[Shipment]]] = [
        (tasks.prepare_shipment, stalled.filter(status=S.PENDING)),
        (tasks.book_shipment, stalled.filter(status=S.PREPARING)),
        (tasks.notify_shipment, stalled.filter(status__in=BOOKED, notified_at__isnull=True)),
    ]
    published = start_unshipped_orders(cutoff=cutoff)
    with transaction.atomic():
        for task, rows in jobs:
            ids = list(rows.order_by("pk").values_list("pk", flat=True))
            # Marked as just published: if the broker is still down, the next sweep after `older_than` retries.
            Shipment.objects.filter(pk__in=ids).update(updated_at=timezone.now())
            _enqueue(task, ids)
            published += len(ids)
        unsent = (
            ShippingPlan.objects.filter(started_at__lte=cutoff, merchant_notified_at__isnull=True)
            .exclude(order__shipments__in=_unsettled_anywhere())
            .values_list("order_id", flat=True)
        )
        _enqueue(tasks.notify_merchant, list(unsent))
    return published


def _unsettled_anywhere() -> QuerySet[Shipment]:
    return Shipment.objects.filter(Q(status__in=ACTIVE) | Q(status__in=BOOKED, notified_at__isnull=True))


def unshipped_orders(*, cutoff: datetime) -> QuerySet[Order]:
    """Paid white-label orders whose shipping should have started before `cutoff` but some consignee has no
    shipment: the payment's task was lost (broker down), or a worker died before creating the rows.

    A paid order only counts for consignees that existed when it was paid (later ones wait for the merchant
    to send them to the warehouse); an order in fulfilment counts for any consignee left without a shipment.
    """
    paid_at = OrderEvent.objects.filter(order=OuterRef("pk"), status=Order.Status.PAID).order_by("-at").values("at")
    waiting = Consignee.objects.filter(order=OuterRef("pk"), shipment__isnull=True)
    waiting_since_payment = waiting.filter(created_at__lte=OuterRef("paid_at"))
    return (
        Order.objects.filter(delivery_mode=Order.Delivery.WHITE_LABEL)
        .annotate(paid_at=Subquery(paid_at[:1]))
        .filter(paid_at__lte=cutoff)
        .filter(
            Q(Exists(waiting_since_payment), status=Order.Status.PAID)
            | Q(Exists(waiting), status=Order.Status.IN_FULFILMENT)
        )
    )


def start_unshipped_orders(*, cutoff: datetime) -> int:
    """Create the missing shipments of `unshipped_orders` (idempotent) and return how many were created."""
    started = 0
    for order in unshipped_orders(cutoff=cutoff).order_by("pk"):
        try:
            started += len(start_white_label_shipping(order=order, source="sweep"))
        except OrderNotPaid:  # cancelled or refunded since the query
            continue
    if started:
        logger.warning("shipments created by the sweep after a lost start", extra={"shipments": started})
    return started


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


def staff_move(*, shipment_id: int, to: str, by: Any, tracking_number: str = "", note: str = "") -> Shipment:
    """A move fulfilment staff make by hand: hand-over (with the tracking number), cancellation, or any other
    move the transition table allows."""
    if to == Shipment.Status.HANDED_OVER:
        return hand_over(shipment_id=shipment_id, by=by, tracking_number=tracking_number, note=note)
    if to == Shipment.Status.CANCELLED:
        return cancel_shipment(shipment_id=shipment_id, by=by, note=note)
    return move(shipment_id=shipment_id, to=to, by=by, source="admin", note=note)
