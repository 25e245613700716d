"""The small interface every provider adapter speaks (Stripe, the Saudi card gateway, Tabby, Tamara).

    create_payment   open the payment at the provider; returns where the payer goes next
    handle_event     a verified event arrived: re-read, and move the payment on (authorise, capture) if needed;
                     with capture=False (the order no longer awaits payment) nothing is authorised or captured
    refund           return money on a payment; confirmed later by the provider's state
    cancel           cancel an open payment or void an authorisation that was not captured
    verify_event     check an incoming webhook's signature or token; refuse anything else

Adapters turn what the provider says into a `ProviderState`; `payments.services.records.apply_state` turns
that into our rows, under the attempt's row lock, idempotently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from orders.money import minor_units

if TYPE_CHECKING:
    from orders.models import Order
    from payments.models import Payment, PaymentAttempt, Refund


def from_minor(amount: int, currency: str) -> Decimal:
    """Smallest units back to a Decimal amount in the currency."""
    return Decimal(amount).scaleb(-minor_units(currency))


def to_minor(amount: Decimal | str, currency: str) -> int:
    """A decimal amount (as providers write it, e.g. "1150.00") in the currency's smallest unit."""
    return int(Decimal(str(amount)).scaleb(minor_units(currency)).to_integral_value())


def only(data: Any, *keys: str) -> dict[str, Any]:
    """The listed keys of a provider's object: what we keep of an event (never the payer's details)."""
    return {key: data[key] for key in keys if isinstance(data, dict) and key in data}


@dataclass(frozen=True)
class Buyer:
    """What a checkout provider must know about the buyer (a disclosure is recorded when it is sent)."""

    name: str
    email: str
    phone: str
    company: str
    address: str
    language: str


@dataclass(frozen=True)
class Urls:
    success: str
    cancel: str
    failure: str
    notification: str


@dataclass(frozen=True)
class Checkout:
    """Where the payer goes next: a provider page (redirect) or our page with Stripe's Payment Element."""

    reference: str
    redirect_url: str = ""
    client_secret: str = ""


@dataclass(frozen=True)
class ProviderRefund:
    reference: str
    amount_minor: int
    status: str  # a Refund.Status value
    local_id: int | None = None  # our Refund's id, when the provider echoes it back


@dataclass(frozen=True)
class ProviderState:
    """A payment as the provider says it is now."""

    reference: str  # the provider's id of the attempt (PaymentIntent, gateway invoice, Tabby payment, Tamara order)
    status: str  # a PaymentAttempt.Status value
    currency: str
    amount_minor: int  # what the provider's payment is for
    received_minor: int = 0  # what has been captured or settled
    payment_reference: str = ""  # the money movement (charge, captured payment); one Payment row each
    order_reference: str = ""  # the order reference the provider holds for us, checked against ours
    method_used: str = ""
    refunds: tuple[ProviderRefund, ...] = ()
    #: for providers that report only a refunded total, not each refund
    refunded_total_minor: int | None = None
    failure_message: str = ""


@dataclass(frozen=True)
class IncomingEvent:
    """A verified incoming event: its unique id, type, the provider object it is about, the payload."""

    event_id: str
    type: str
    object_id: str
    payload: dict[str, Any] = field(default_factory=dict)


class PaymentProvider(Protocol):
    code: str

    def is_configured(self) -> bool: ...

    def create_payment(
        self, *, attempt: PaymentAttempt, order: Order, urls: Urls, buyer: Buyer, provider_types: list[str]
    ) -> Checkout: ...

    def handle_event(self, *, attempt: PaymentAttempt, capture: bool = True) -> ProviderState: ...

    def refund(self, *, attempt: PaymentAttempt, payment: Payment, refund: Refund) -> ProviderRefund: ...

    def cancel(self, *, attempt: PaymentAttempt) -> None: ...

    def verify_event(self, *, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> IncomingEvent: ...
