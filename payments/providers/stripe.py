"""Stripe through the official library: PaymentIntents for the Payment Element, webhooks, refunds.

The amount is the order's, in the currency's smallest unit; the idempotency key comes from the order and the
attempt; the order reference travels in metadata. A payment is confirmed only by a verified webhook, after
which the PaymentIntent and its refunds are read again from Stripe (`handle_event`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings

from payments.errors import InvalidEvent, MalformedEvent, ProviderRejected, ProviderUnavailable
from payments.providers.base import (
    Buyer,
    Checkout,
    IncomingEvent,
    ProviderRefund,
    ProviderState,
    Urls,
    only,
    to_minor,
)

if TYPE_CHECKING:
    from orders.models import Order
    from payments.models import Payment, PaymentAttempt, Refund

#: PaymentIntent status -> PaymentAttempt status
STATUSES = {
    "requires_payment_method": "pending",
    "requires_confirmation": "pending",
    "requires_action": "processing",
    "processing": "processing",
    "requires_capture": "authorised",
    "succeeded": "succeeded",
    "canceled": "canceled",
}
REFUND_STATUSES = {
    "pending": "pending",
    "requires_action": "pending",
    "succeeded": "succeeded",
    "failed": "failed",
    "canceled": "failed",
}
#: events that say something about a PaymentIntent or its refunds; others are stored and ignored
HANDLED_EVENTS = (
    "payment_intent.",
    "charge.succeeded",
    "charge.refunded",
    "charge.refund.updated",
    "refund.",
)


@functools.lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(api_key, base_addresses={"api": api_base}, max_network_retries=2)


def client() -> stripe.StripeClient:
    """A Stripe client for the configured key and API base (the base points at a stand-in in tests)."""
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _call(function: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    try:
        return function(*args, **kwargs).to_dict()
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise ProviderUnavailable from exc
    except stripe.StripeError as exc:
        if exc.http_status is not None and exc.http_status >= 500:
            raise ProviderUnavailable from exc
        raise ProviderRejected(provider_answer=str(exc.user_message or exc)[:200]) from exc


def _id(value: Any) -> str:
    """An expandable field: the id whether Stripe sent the id or the object."""
    if isinstance(value, dict):
        return str(value.get("id", ""))
    return str(value or "")


class StripeProvider:
    code = "stripe"

    def is_configured(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def create_payment(
        self, *, attempt: PaymentAttempt, order: Order, urls: Urls, buyer: Buyer, provider_types: list[str]
    ) -> Checkout:
        """A PaymentIntent for the eligible method types, in the order's currency and smallest unit."""
        types = list(dict.fromkeys(provider_types))
        intent = _call(
            client().v1.payment_intents.create,
            params={
                "amount": attempt.amount_minor,
                "currency": attempt.currency.lower(),
                "payment_method_types": types,
                "metadata": {
                    "order_reference": order.reference,
                    "attempt": str(attempt.number),
                    "merchant": order.merchant.code,
                },
            },
            options={"idempotency_key": attempt.idempotency_key},
        )
        return Checkout(reference=intent["id"], client_secret=intent["client_secret"])

    def client_secret(self, *, attempt: PaymentAttempt) -> str:
        """The PaymentIntent's client secret, read from Stripe when the payment page opens (never stored)."""
        return str(_call(client().v1.payment_intents.retrieve, attempt.provider_reference)["client_secret"])

    def handle_event(self, *, attempt: PaymentAttempt, capture: bool = True) -> ProviderState:
        """Re-read the PaymentIntent and its refunds from Stripe (captured automatically: `capture` is not used)."""
        intent = _call(
            client().v1.payment_intents.retrieve, attempt.provider_reference, params={"expand": ["latest_charge"]}
        )
        refunds = _call(client().v1.refunds.list, params={"payment_intent": intent["id"], "limit": 100})["data"]
        status = STATUSES.get(intent["status"], "pending")
        charge = intent.get("latest_charge")
        received = 0
        if status == "succeeded":
            received = int(intent.get("amount_received") or intent["amount"])
        method = ""
        if isinstance(charge, dict):
            method = (charge.get("payment_method_details") or {}).get("type", "")
        error = intent.get("last_payment_error") or {}
        return ProviderState(
            reference=intent["id"],
            status=status,
            currency=intent["currency"].upper(),
            amount_minor=int(intent["amount"]),
            received_minor=received,
            payment_reference=_id(charge) or intent["id"],
            order_reference=(intent.get("metadata") or {}).get("order_reference", ""),
            method_used=method or ("card" if received else ""),
            refunds=tuple(
                ProviderRefund(
                    reference=refund["id"],
                    amount_minor=int(refund["amount"]),
                    status=REFUND_STATUSES.get(refund.get("status", ""), "pending"),
                    local_id=_local_id((refund.get("metadata") or {}).get("refund")),
                )
                for refund in refunds
            ),
            failure_message=str(error.get("message", ""))[:300],
        )

    def refund(self, *, attempt: PaymentAttempt, payment: Payment, refund: Refund) -> ProviderRefund:
        """Ask Stripe for a (partial) refund of the PaymentIntent; its confirmation comes with the events."""
        created = _call(
            client().v1.refunds.create,
            params={
                "payment_intent": attempt.provider_reference,
                "amount": to_minor(refund.amount, refund.currency),
                "metadata": {"refund": str(refund.pk), "order_reference": attempt.order.reference},
            },
            options={"idempotency_key": refund.idempotency_key or f"refund-{refund.pk}"},
        )
        return ProviderRefund(
            reference=created["id"],
            amount_minor=int(created["amount"]),
            status="pending",  # confirmed only when the refund's event is processed
            local_id=refund.pk,
        )

    def cancel(self, *, attempt: PaymentAttempt) -> None:
        """Cancel an unpaid PaymentIntent (a new attempt replaces it)."""
        _call(client().v1.payment_intents.cancel, attempt.provider_reference)

    def verify_event(self, *, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> IncomingEvent:
        """Check Stripe's signature over the raw body, within the tolerance window (replays outside it fail).

        `InvalidEvent` when the signature is the problem (forged, stale, unreadable header); `MalformedEvent` when a
        correctly signed body is not an event as Stripe documents it.
        """
        signature = headers.get("Stripe-Signature", "")
        try:
            signature.encode("ascii")
            stripe.WebhookSignature.verify_header(
                body.decode("utf-8"),
                signature,
                settings.STRIPE_WEBHOOK_SECRET,
                tolerance=settings.STRIPE_WEBHOOK_TOLERANCE,
            )
        except (ValueError, TypeError, stripe.SignatureVerificationError) as exc:  # UnicodeError is a ValueError
            raise InvalidEvent from exc
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise MalformedEvent from exc
        if not isinstance(event, dict):
            raise MalformedEvent
        data = event.get("data")
        obj = data.get("object") if isinstance(data, dict) else None
        event_id, event_type = event.get("id"), event.get("type")
        if not isinstance(obj, dict) or not isinstance(event_id, str) or not isinstance(event_type, str):
            raise MalformedEvent
        if not event_id or not event_type:
            raise MalformedEvent
        kind = obj.get("object", "")
        if kind == "payment_intent":
            object_id = obj.get("id", "")
        else:  # a charge or a refund: about its PaymentIntent
            object_id = _id(obj.get("payment_intent"))
        if not isinstance(object_id, str) or not event_type.startswith(HANDLED_EVENTS):
            object_id = ""
        kept = only(
            obj, "id", "object", "status", "amount", "amount_received", "currency", "payment_intent", "metadata"
        )
        payload = {**only(event, "id", "type", "created", "livemode", "api_version"), "data": {"object": kept}}
        return IncomingEvent(event_id=event_id, type=event_type, object_id=object_id, payload=payload)


def _local_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
