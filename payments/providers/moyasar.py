"""Mada through a Saudi card gateway, on Moyasar's API.

The payer never types a card on our pages (the gateway forbids posting card details to the merchant's server):
we create a gateway invoice for the amount in halalas, the payer pays it on the gateway's hosted page (a
`creditcard` source; mada cards report the company `mada`) through 3-D Secure, and comes back to our return
page. Nothing in that redirect is trusted: we fetch the invoice and its payment with our secret key and check
status, amount, currency and our order reference. Webhooks carry the shared secret token we configured.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings

from payments.errors import InvalidEvent
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
from payments.providers.http import call

if TYPE_CHECKING:
    from orders.models import Order
    from payments.models import Payment, PaymentAttempt, Refund

#: a payment in one of these has moved money
MONEY_MOVED = {"paid", "captured", "refunded"}
INVOICE_STATUSES = {"initiated": "pending", "canceled": "canceled", "expired": "expired", "failed": "failed"}


class MoyasarProvider:
    code = "moyasar"

    def is_configured(self) -> bool:
        return bool(settings.MOYASAR_SECRET_KEY)

    def _api(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        return call(
            method,
            f"{settings.MOYASAR_API_BASE.rstrip('/')}/v1/{path}",
            provider=self.code,
            json=body,
            auth=(settings.MOYASAR_SECRET_KEY, ""),
        )

    def create_payment(
        self, *, attempt: PaymentAttempt, order: Order, urls: Urls, buyer: Buyer, provider_types: list[str]
    ) -> Checkout:
        """A gateway invoice for the amount in halalas; the payer pays it on the gateway's page."""
        invoice = self._api(
            "POST",
            "invoices",
            {
                "amount": attempt.amount_minor,
                "currency": attempt.currency,
                "description": f"Order {order.reference}",
                "callback_url": urls.notification,
                "success_url": urls.success,
                "back_url": urls.cancel,
                "metadata": {"order_reference": order.reference, "attempt": str(attempt.number)},
            },
        )
        return Checkout(reference=str(invoice["id"]), redirect_url=str(invoice["url"]))

    def handle_event(self, *, attempt: PaymentAttempt, capture: bool = True) -> ProviderState:
        """Fetch the invoice and its payments from the gateway: the only truth about this payment.

        The gateway captures a payment when it is made, so `capture` changes nothing here.
        """
        invoice = self._api("GET", f"invoices/{attempt.provider_reference}")
        payments = invoice.get("payments") or []
        paid = next((p for p in payments if p.get("status") in MONEY_MOVED), None)
        metadata = invoice.get("metadata") or {}
        base: dict[str, Any] = {
            "reference": str(invoice["id"]),
            "currency": str(invoice.get("currency", "")).upper(),
            "amount_minor": int(invoice["amount"]),
            "order_reference": str(metadata.get("order_reference", "")),
        }
        if paid is not None:
            source = paid.get("source") or {}
            return ProviderState(
                **base,
                status="succeeded",
                received_minor=int(paid["amount"]) if str(paid.get("currency", "")).upper() == base["currency"] else 0,
                payment_reference=str(paid["id"]),
                method_used=str(source.get("company") or source.get("type") or ""),
                refunded_total_minor=int(paid.get("refunded") or 0),
            )
        failed = [p for p in payments if p.get("status") == "failed"]
        message = str(((failed[-1].get("source") or {}).get("message")) or "") if failed else ""
        return ProviderState(
            **base, status=INVOICE_STATUSES.get(str(invoice.get("status")), "pending"), failure_message=message[:300]
        )

    def refund(self, *, attempt: PaymentAttempt, payment: Payment, refund: Refund) -> ProviderRefund:
        """Refund part or all of the captured payment (the gateway reports the refunded total)."""
        amount = to_minor(refund.amount, refund.currency)
        self._api("POST", f"payments/{payment.reference}/refund", {"amount": amount})
        return ProviderRefund(reference=f"{payment.reference}#{refund.pk}", amount_minor=amount, status="pending")

    def cancel(self, *, attempt: PaymentAttempt) -> None:
        """Cancel an unpaid gateway invoice (its payments are captured when made: there is no authorisation)."""
        self._api("PUT", f"invoices/{attempt.provider_reference}/cancel")

    def verify_event(self, *, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> IncomingEvent:
        """A webhook carries the secret token we gave the gateway; its payment is re-read before anything moves."""
        secret = settings.MOYASAR_WEBHOOK_SECRET
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise InvalidEvent from exc
        if not isinstance(data, dict) or not secret:
            raise InvalidEvent
        if not hmac.compare_digest(str(data.get("secret_token", "")).encode(), secret.encode()):
            raise InvalidEvent
        payment = data.get("data") or {}
        if not data.get("id") or not data.get("type") or not isinstance(payment, dict):
            raise InvalidEvent
        kept = {
            **only(data, "id", "type", "created_at", "live"),  # never the secret token, never the cardholder
            "data": {
                **only(payment, "id", "status", "amount", "currency", "invoice_id", "refunded"),
                "source": only(payment.get("source") or {}, "type", "company"),
            },
        }
        return IncomingEvent(
            event_id=str(data["id"]),
            type=str(data["type"]),
            object_id=str(payment.get("invoice_id") or ""),
            payload=kept,
        )

    def verify_invoice_callback(self, *, body: bytes) -> str:
        """The invoice's own callback carries no secret: it only names the invoice, which we then fetch."""
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise InvalidEvent from exc
        if not isinstance(data, dict) or not isinstance(data.get("id"), str) or len(data["id"]) > 100:
            raise InvalidEvent
        return data["id"]
