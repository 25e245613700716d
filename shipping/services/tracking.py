"""Tracking: where the carriers say the parcels are, and each shipment walked there step by recorded step."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shipping.carriers import CarrierError, carrier_for
from shipping.errors import ParcelLost, TrackingFailed
from shipping.models import Shipment
from shipping.services.moves import FORWARD, SHIPMENT, TRACKED, advance_order, fail_locked, lock_shipment, move_locked

__all__ = [
    "pull_tracking",
    "sync_tracking",
]

logger = logging.getLogger(__name__)
S = Shipment.Status


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
                    fail_locked(shipment, code=ParcelLost.code, message=str(ParcelLost(status=update.note)))
                else:
                    move_locked(shipment, step, source=carrier.code, note=update.note)
            advance_order(shipment.order, by=None)
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
