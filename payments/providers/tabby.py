"""Tabby through its merchant checkout API (v2): session, redirect, authorisation, capture, webhook, refund.

Amounts travel as decimal strings in SAR ("1150.00"). The webhook carries the header we registered; its
body is never trusted: the payment is read again from Tabby, and captured only if it matches the attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from payments.errors import InvalidEvent, ProviderRejected
from payments.providers.base import (
    Buyer,
    Checkout,
    IncomingEvent,
    ProviderRefund,
    ProviderState,
    Urls,
    from_minor,
    only,
    to_minor,
)
from payments.providers.http import call

if TYPE_CHECKING:
    from orders.models import Order
    from payments.models import Payment, PaymentAttempt, Refund

STATUSES = {"CREATED": "pending", "AUTHORIZED": "authorised", "REJECTED": "failed", "EXPIRED": "expired"}


def _text(amount: Decimal) -> str:
    return f"{amount:.2f}"


class TabbyProvider:
    code = "tabby"

    def is_configured(self) -> bool:
        return bool(settings.TABBY_SECRET_KEY and settings.TABBY_MERCHANT_CODE)

    def _api(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        return call(
            method,
            f"{settings.TABBY_API_BASE.rstrip('/')}/api/v2/{path}",
            provider=self.code,
            json=body,
            headers={"Authorization": f"Bearer {settings.TABBY_SECRET_KEY}"},
        )

    def create_payment(
        self, *, attempt: PaymentAttempt, order: Order, urls: Urls, buyer: Buyer, provider_types: list[str]
    ) -> Checkout:
        """A checkout session; the payer is sent to Tabby's page, or told Tabby declined before leaving us."""
        amount = from_minor(attempt.amount_minor, attempt.currency)
        session = self._api(
            "POST",
            "checkout",
            {
                "payment": {
                    "amount": _text(amount),
                    "currency": attempt.currency,
                    "description": f"Order {order.reference}",
                    "buyer": {"name": buyer.name, "email": buyer.email, "phone": buyer.phone},
                    "shipping_address": {
                        "city": buyer.address.splitlines()[-1][:100] if buyer.address else "",
                        "address": buyer.address[:200],
                        "zip": "",
                    },
                    "order": {
                        "reference_id": order.reference,
                        "tax_amount": _text(order.vat_amount),
                        "shipping_amount": "0.00",
                        "discount_amount": "0.00",
                        "updated_at": timezone.now().isoformat(),
                        "items": [
                            {
                                "title": line.name,
                                "quantity": line.quantity,
                                "unit_price": _text(line.unit_price),
                                "discount_amount": "0.00",
                                "reference_id": line.sku,
                                "category": "wholesale",
                            }
                            for line in order.lines.all()
                        ],
                    },
                    "buyer_history": {"registered_since": order.merchant.created_at.isoformat(), "loyalty_level": 0},
                    "order_history": [],
                    "meta": {"order_id": order.reference, "customer": order.merchant.code},
                },
                "lang": "ar" if buyer.language == "ar" else "en",
                "merchant_code": settings.TABBY_MERCHANT_CODE,
                "merchant_urls": {"success": urls.success, "cancel": urls.cancel, "failure": urls.failure},
            },
        )
        if session.get("status") != "created":
            raise ProviderRejected(provider_answer=str(session.get("status", ""))[:200])
        installments = ((session.get("configuration") or {}).get("available_products") or {}).get("installments")
        if not installments:
            raise ProviderRejected(provider_answer="no product available")
        return Checkout(reference=str(session["payment"]["id"]), redirect_url=str(installments[0]["web_url"]))

    def _state(self, payment: dict[str, Any]) -> ProviderState:
        currency = str(payment.get("currency", "")).upper()
        captured = sum(to_minor(c["amount"], currency) for c in payment.get("captures") or [])
        status = STATUSES.get(str(payment.get("status")), "pending")
        if payment.get("status") == "CLOSED":
            status = "succeeded" if captured else "canceled"
        return ProviderState(
            reference=str(payment["id"]),
            status=status,
            currency=currency,
            amount_minor=to_minor(payment["amount"], currency),
            received_minor=captured,
            payment_reference=str(payment["id"]),
            order_reference=str((payment.get("order") or {}).get("reference_id", "")),
            method_used="tabby",
            refunds=tuple(
                ProviderRefund(
                    reference=str(r["id"]),
                    amount_minor=to_minor(r["amount"], currency),
                    status="succeeded",
                    local_id=_local_id(r.get("reference_id")),
                )
                for r in payment.get("refunds") or []
            ),
        )

    def handle_event(self, *, attempt: PaymentAttempt, capture: bool = True) -> ProviderState:
        """Re-read the payment; capture it in full once authorised, if it is exactly the attempt's (and `capture`)."""
        payment = self._api("GET", f"payments/{attempt.provider_reference}")
        state = self._state(payment)
        matches = (
            state.amount_minor == attempt.amount_minor
            and state.currency == attempt.currency
            and state.order_reference == attempt.order.reference
        )
        if state.status == "authorised" and matches and capture:
            self._api(
                "POST",
                f"payments/{attempt.provider_reference}/captures",
                {"amount": payment["amount"], "reference_id": f"capture-{attempt.idempotency_key}"},
            )
            state = self._state(self._api("GET", f"payments/{attempt.provider_reference}"))
        return state

    def refund(self, *, attempt: PaymentAttempt, payment: Payment, refund: Refund) -> ProviderRefund:
        """Refund part or all of the captured payment; Tabby lists the refund on the payment.

        The refund's idempotency key travels as its `reference_id`: the same refund sent again is not made twice.
        """
        key = refund.idempotency_key or f"refund-{refund.pk}"
        answer = self._api(
            "POST",
            f"payments/{attempt.provider_reference}/refunds",
            {"amount": _text(refund.amount), "reference_id": key, "reason": refund.reason[:200]},
        )
        made = next((r for r in answer.get("refunds") or [] if r.get("reference_id") == key), None)
        if made is None:
            raise ProviderRejected(provider_answer="refund not listed")
        return ProviderRefund(
            reference=str(made["id"]),
            amount_minor=to_minor(made["amount"], refund.currency),
            status="pending",
            local_id=refund.pk,
        )

    def cancel(self, *, attempt: PaymentAttempt) -> None:
        """Close the payment: an authorisation with nothing captured is voided, the payer's limit released."""
        self._api("POST", f"payments/{attempt.provider_reference}/close")

    def verify_event(self, *, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> IncomingEvent:
        """The webhook must carry the header we registered with Tabby; the rest is re-read from the API."""
        secret = settings.TABBY_WEBHOOK_SECRET
        given = headers.get(settings.TABBY_WEBHOOK_HEADER, "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            raise InvalidEvent
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise InvalidEvent from exc
        if not isinstance(data, dict) or not data.get("id") or not data.get("status"):
            raise InvalidEvent
        digest = hashlib.sha256(body).hexdigest()[:24]
        return IncomingEvent(
            event_id=f"{data['id']}:{str(data['status']).lower()}:{digest}",
            type=f"payment.{str(data['status']).lower()}",
            object_id=str(data["id"]),
            payload={
                **only(data, "id", "status", "amount", "currency", "created_at"),  # never the buyer's details
                "order": only(data.get("order") or {}, "reference_id"),
            },
        )


def _local_id(value: Any) -> int | None:
    text = str(value or "")
    return int(text.removeprefix("refund-")) if text.startswith("refund-") and text[7:].isdigit() else None
