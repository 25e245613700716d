"""Carriers behind one small interface: book, cancel, track.

A carrier gets a `Parcel` (what is written on the box) and answers with a `Booking`. Errors are
`CarrierUnavailable` (transient, including an answer cut off on the way: the job retries with backoff)
or `CarrierRejected` (permanent, including an answer of the wrong shape: the shipment fails at once,
with the reason for staff). The types live in `shipping.carriers.base`, the carriers beside it.
"""

from __future__ import annotations

from shipping.carriers.base import (
    Booking,
    Carrier,
    CarrierError,
    CarrierRejected,
    CarrierUnavailable,
    Parcel,
    TrackingUpdate,
)
from shipping.carriers.http import HttpCarrier
from shipping.carriers.in_house import InHouseCourier

__all__ = [
    "Booking",
    "Carrier",
    "CarrierError",
    "CarrierRejected",
    "CarrierUnavailable",
    "HttpCarrier",
    "InHouseCourier",
    "Parcel",
    "TrackingUpdate",
    "carrier_for",
]


def carrier_for(code: str) -> Carrier:
    """The carrier registered under `code` (configured from settings when called, never at import)."""
    if code == InHouseCourier.code:
        return InHouseCourier()
    if code == HttpCarrier.code:
        return HttpCarrier.from_settings()
    raise CarrierRejected(f"unknown carrier {code!r}")
