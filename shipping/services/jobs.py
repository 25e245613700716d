"""The jobs of a shipment (slip -> carrier -> notices): services here; `shipping.tasks` only loads ids and calls them.

Each job takes the shipment's row lock and checks its state first, so running it twice, or again after a worker
died half-way, changes nothing the first run already did. The carrier is always called with the shipment's
idempotency key, so even a booking whose answer was lost is not repeated.

No carrier is called while the shipment's row is locked: the booking job reads what it needs, calls the carrier
with the idempotency key while holding only its booking guard (which serialises the booking jobs of one
shipment, and blocks nothing else), then locks the row again to record the answer.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.disclosures import record_disclosure
from audit.models import Disclosure
from branding.selectors import active_brand_kit
from orders.models import Order
from portal import leak_guard
from portal.notices import send_once
from portal.pdf import render_pdf
from portal.uploads import PDF, private_name
from shipping import documents, tasks
from shipping.carriers import Booking, Carrier, CarrierError, CarrierRejected, Parcel, carrier_for
from shipping.errors import BookingStillLive, CarrierFailed, NoBrandKit, NoticeWithheld, SlipBlocked
from shipping.models import Shipment, ShippingPlan
from shipping.services import notices
from shipping.services.moves import (
    ACTIVE,
    BOOKED,
    RELATED,
    WORKER,
    alert_staff,
    booking_guard,
    discard_after_commit,
    enqueue,
    fail_locked,
    lock_shipment,
    move_locked,
)

__all__ = [
    "backoff_delay",
    "book_shipment",
    "give_up",
    "note_transient_error",
    "notify_merchant_when_settled",
    "notify_shipment",
    "parcel_of",
    "prepare_shipment",
    "render_packing_slip",
    "send_fulfilment_alert",
]

logger = logging.getLogger(__name__)
S = Shipment.Status


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
            enqueue(tasks.book_shipment, [shipment.pk])
            return shipment.status
        if shipment.status != S.PENDING:
            return shipment.status
        move_locked(shipment, S.PREPARING, source=WORKER)
        try:
            pdf = render_packing_slip(shipment=shipment)
        except SlipBlocked as exc:
            fail_locked(shipment, code=exc.code, message=str(exc))
            return shipment.status
        discard_after_commit(shipment.slip)
        shipment.slip.save(private_name("shipping/slips", PDF), ContentFile(pdf), save=False)
        shipment.save(update_fields=["slip"])
        enqueue(tasks.book_shipment, [shipment.pk])
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


def book_shipment(*, shipment_id: int) -> str:
    """Job 2: book the carrier once, keep the tracking number and label, then hand over to the notices.

    Read, call the carrier with the idempotency key with no row lock held (only the booking guard, so a
    second copy of this job waits and then finds the shipment booked), then lock the row to record the
    answer. `CarrierUnavailable` leaves everything as it was, for the task to retry.
    """
    with transaction.atomic():
        booking_guard(shipment_id)
        # Read without the row lock: every path that books or cancels at the carrier holds the guard, and the
        # answer is recorded under the row lock after the call, re-checked there.
        shipment = Shipment.objects.select_related(*RELATED).get(pk=shipment_id)
        if shipment.status != S.PREPARING:
            return shipment.status
        kit = active_brand_kit(merchant=shipment.order.merchant)
        if kit is None:
            shipment = lock_shipment(shipment_id)
            if shipment.status == S.PREPARING:
                fail_locked(shipment, code=NoBrandKit.code, message=str(NoBrandKit()))
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
            fail_locked(
                shipment, code=getattr(rejected, "code", CarrierFailed.code), message=str(CarrierFailed(reason=reason))
            )
            return shipment.status
        _record_carrier_disclosure(shipment, carrier)
        shipment.carrier_reference = booking.carrier_reference
        shipment.attempts += 1
        kept = ["carrier_reference", "attempts"]
        if leak is not None:
            if cancelled:
                fail_locked(shipment, code="leak_label", message=str(leak), keep=kept)
            else:
                shipment.booking_live_at_carrier = True
                live = BookingStillLive(reference=shipment.carrier_reference)
                fail_locked(shipment, code=live.code, message=f"{leak} {live}", keep=[*kept, "booking_live_at_carrier"])
            return shipment.status
        if booking.label_pdf:
            discard_after_commit(shipment.label)
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
        move_locked(shipment, S.LABEL_CREATED, source=carrier.code, note=booking.carrier_reference, changes=changes)
        enqueue(tasks.notify_shipment, [shipment.pk])
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
        fail_locked(shipment, code=error.code, message=error.message, keep=["attempts"])
    return shipment.status


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
            alert_staff(locked, plan=plan, withheld=True)
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
