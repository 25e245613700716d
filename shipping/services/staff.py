"""What fulfilment staff do by hand: moves, hand-over (and the in-house parcels' tracking-number notice),
cancellation, retry, and the confirmation that a booking left live at the carrier was cancelled there."""

from __future__ import annotations

import uuid

from django.db import transaction

from merchants.models import User
from orders.models import Order
from portal.notices import send_once
from shipping import tasks
from shipping.carriers import CarrierError, carrier_for
from shipping.carriers.in_house import InHouseCourier
from shipping.errors import BookingStillLive, CarrierFailed, IllegalTransition, TrackingNumberNeeded
from shipping.models import Shipment, ShipmentEvent, ShippingPlan
from shipping.services import notices
from shipping.services.moves import (
    SHIPMENT,
    advance_order,
    booking_guard,
    discard_after_commit,
    enqueue,
    lock_shipment,
    move,
    move_locked,
)

__all__ = [
    "cancel_shipment",
    "confirm_cancelled_at_carrier",
    "hand_over",
    "notify_tracking_numbers",
    "retry_shipment",
    "staff_move",
]

S = Shipment.Status


def retry_shipment(*, shipment_id: int, by: User, note: str = "") -> Shipment:
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
        discard_after_commit(shipment.slip, shipment.label)
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
        move_locked(shipment, S.PENDING, by=by, source="admin", note=note, changes=changes)
        # The merchant hears again once the retried parcels are booked (or fail again).
        ShippingPlan.objects.filter(order=shipment.order).update(merchant_notified_at=None, tracking_notified_at=None)
        enqueue(tasks.prepare_shipment, [shipment.pk])
    return shipment


def confirm_cancelled_at_carrier(*, shipment_id: int, by: User, note: str = "") -> Shipment:
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


def hand_over(*, shipment_id: int, by: User, tracking_number: str = "", note: str = "") -> Shipment:
    """Staff hand the parcel to the courier; the in-house courier's tracking number is typed here."""
    with transaction.atomic():
        shipment = lock_shipment(shipment_id)
        tracking_number = tracking_number.strip()[:64] or shipment.tracking_number
        if not tracking_number:
            raise TrackingNumberNeeded
        changes = {"tracking_number": tracking_number}
        move_locked(shipment, S.HANDED_OVER, by=by, source="admin", note=note, changes=changes)
        if shipment.carrier == InHouseCourier.code:
            _send_tracking_numbers_when_complete(shipment.order)
        advance_order(shipment.order, by=by)
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


def cancel_shipment(*, shipment_id: int, by: User, note: str) -> Shipment:
    """Staff cancel a shipment not yet handed over; a carrier booking is cancelled with it."""
    with transaction.atomic():
        booking_guard(shipment_id)  # no booking of this shipment is under way while the carrier cancels it
        shipment = Shipment.objects.get(pk=shipment_id)
        SHIPMENT.check(shipment.status, S.CANCELLED)
        if shipment.carrier_reference:  # the network first, with no row lock held
            try:
                carrier_for(shipment.carrier).cancel(carrier_reference=shipment.carrier_reference)
            except CarrierError as exc:
                raise CarrierFailed(reason=exc.message) from exc
        shipment = lock_shipment(shipment_id)
        move_locked(shipment, S.CANCELLED, by=by, source="admin", note=note)
        advance_order(shipment.order, by=by)
    return shipment


def staff_move(*, shipment_id: int, to: str, by: User, tracking_number: str = "", note: str = "") -> Shipment:
    """A move fulfilment staff make by hand: hand-over (with the tracking number), cancellation, or any other
    move the transition table allows."""
    if to == Shipment.Status.HANDED_OVER:
        return hand_over(shipment_id=shipment_id, by=by, tracking_number=tracking_number, note=note)
    if to == Shipment.Status.CANCELLED:
        return cancel_shipment(shipment_id=shipment_id, by=by, note=note)
    return move(shipment_id=shipment_id, to=to, by=by, source="admin", note=note)
