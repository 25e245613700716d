"""What every carrier speaks: the parcel, the booking, tracking updates, the errors and the interface.

A carrier gets a `Parcel` (what is written on the box) and answers with a `Booking`. Errors are
`CarrierUnavailable` (transient, including an answer cut off on the way: the job retries with backoff)
or `CarrierRejected` (permanent, including an answer of the wrong shape: the shipment fails at once,
with the reason for staff).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


class CarrierError(Exception):
    """A carrier call that did not succeed; `code` is stable, `message` is for staff."""

    code = "carrier_error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class CarrierUnavailable(CarrierError):
    """Timeouts, refused connections, 5xx and 429 answers: worth another try later."""

    code = "carrier_unavailable"


class CarrierRejected(CarrierError):
    """The carrier refused the request (4xx), or answered with something of the wrong shape: trying again
    would not help."""

    code = "carrier_rejected"


@dataclass(frozen=True)
class Parcel:
    """Everything a carrier needs to book one parcel, in the merchant's name."""

    reference: str
    idempotency_key: str
    sender_name: str
    sender_address: str
    recipient_name: str
    recipient_phone: str
    address_lines: tuple[str, ...]
    city: str
    postal_code: str
    country: str
    pieces: int
    language: str = "en"


@dataclass(frozen=True)
class Booking:
    """The carrier's answer: its reference, the tracking number (if it gives one now) and the label."""

    carrier_reference: str
    tracking_number: str = ""
    label_pdf: bytes | None = None


@dataclass(frozen=True)
class TrackingUpdate:
    """Where the carrier says the parcel is, as one of our shipment statuses."""

    status: str
    at: datetime | None = None
    note: str = ""
    events: tuple[str, ...] = field(default=())


class Carrier(Protocol):
    code: str
    name: str
    #: False when staff type the tracking number by hand at hand-over
    gives_tracking_number: bool
    #: True when parcels' personal data leave the company for the carrier (recorded in the privacy ledger)
    third_party: bool

    def book(self, parcel: Parcel) -> Booking: ...

    def cancel(self, *, carrier_reference: str) -> None: ...

    def track(self, *, carrier_reference: str, tracking_number: str) -> TrackingUpdate | None: ...
