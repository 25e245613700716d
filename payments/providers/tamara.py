"""Tamara through its merchant checkout API: checkout, redirect, notification, authorise, capture, refund.

Tamara's notification carries a JWT (`tamaraToken` in the query string, or the Authorization header) signed
with our notification token; it is checked, then the order is read again from Tamara, authorised and captured
only if it is exactly the attempt's. Amounts are SAR numbers with two decimals.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import jwt
from django.conf import settings
from django.utils import timezone

from payments.errors import InvalidEvent
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

STATUSES = {
    "new": "pending",
    "approved": "authorised",
    "authorised": "authorised",
    "fully_captured": "succeeded",
    "partially_captured": "succeeded",
    "partially_refunded": "succeeded",
    "fully_refunded": "succeeded",
    "declined": "failed",
    "expired": "expired",
    "canceled": "canceled",
}


def number(amount: Decimal) -> float:
    """A JSON number for a two-decimal amount; its shortest text is exactly the decimal (checked)."""
    value = float(amount)
    if Decimal(repr(value)) != amount:
        raise ValueError(f"{amount} cannot travel exactly as a JSON number")
    return value


def money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": number(amount.quantize(Decimal("0.01"))), "currency": currency}


def _names(full_name: str) -> tuple[str, str]:
    first, _sep, last = full_name.strip().partition(" ")
    return first or "-", last or first or "-"


class TamaraProvider:
    code = "tamara"

    def is_configured(self) -> bool:
        return bool(settings.TAMARA_API_TOKEN and settings.TAMARA_NOTIFICATION_TOKEN)

    def _api(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        return call(
            method,
            f"{settings.TAMARA_API_BASE.rstrip('/')}/{path}",
            provider=self.code,
            json=body,
            headers={"Authorization": f"Bearer {settings.TAMARA_API_TOKEN}"},
        )

    def create_payment(
        self, *, attempt: PaymentAttempt, order: Order, urls: Urls, buyer: Buyer, provider_types: list[str]
    ) -> Checkout:
        """A Tamara checkout for the attempt's amount; the payer approves it on Tamara's page."""
        currency = attempt.currency
        first, last = _names(buyer.name)
        lines = buyer.address.splitlines() or [""]
        created = self._api(
            "POST",
            "checkout",
            {
                "order_reference_id": order.reference,
                "order_number": f"{order.reference}-{attempt.number}",
                "total_amount": money(from_minor(attempt.amount_minor, currency), currency),
                "description": f"Order {order.reference}",
                "country_code": "SA",
                "payment_type": "PAY_BY_INSTALMENTS",
                "locale": "ar_SA" if buyer.language == "ar" else "en_US",
                "items": [
                    {
                        "reference_id": line.sku,
                        "type": "Physical",
                        "name": line.name,
                        "sku": line.sku,
                        "quantity": line.quantity,
                        "unit_price": money(line.unit_price, currency),
                        "total_amount": money(line.line_total, currency),
                        "discount_amount": money(Decimal(0), currency),
                        "tax_amount": money(Decimal(0), currency),
                    }
                    for line in order.lines.all()
                ],
                "consumer": {"first_name": first, "last_name": last, "phone_number": buyer.phone, "email": buyer.email},
                "shipping_address": {
                    "first_name": first,
                    "last_name": last,
                    "line1": lines[0][:120],
                    "city": lines[-1][:60],
                    "country_code": "SA",
                    "phone_number": buyer.phone,
                },
                "tax_amount": money(order.vat_amount, currency),
                "shipping_amount": money(Decimal(0), currency),
                "merchant_url": {
                    "success": urls.success,
                    "failure": urls.failure,
                    "cancel": urls.cancel,
                    "notification": urls.notification,
                },
            },
        )
        return Checkout(reference=str(created["order_id"]), redirect_url=str(created["checkout_url"]))

    def _state(self, data: dict[str, Any]) -> ProviderState:
        total = data.get("total_amount") or {}
        currency = str(total.get("currency", "")).upper()

        def minor(field: str) -> int:
            value = (data.get(field) or {}).get("amount")
            return to_minor(str(value), currency) if value is not None else 0

        return ProviderState(
            reference=str(data["order_id"]),
            status=STATUSES.get(str(data.get("status")), "pending"),
            currency=currency,
            amount_minor=to_minor(str(total.get("amount", 0)), currency),
            received_minor=minor("captured_amount"),
            payment_reference=str(data["order_id"]),
            order_reference=str(data.get("order_reference_id", "")),
            method_used="tamara",
            refunded_total_minor=minor("refunded_amount"),
        )

    def handle_event(self, *, attempt: PaymentAttempt, capture: bool = True) -> ProviderState:
        """Re-read the order; authorise an approved one and capture it in full, if it is exactly the attempt's.

        With `capture=False` (the order no longer awaits payment) nothing is authorised or captured.
        """
        path = f"orders/{attempt.provider_reference}"
        data = self._api("GET", path)
        state = self._state(data)
        matches = (
            state.amount_minor == attempt.amount_minor
            and state.currency == attempt.currency
            and state.order_reference == attempt.order.reference
        )
        if not matches or not capture:
            return state
        if data.get("status") == "approved":
            self._api("POST", f"{path}/authorise")
            data = self._api("GET", path)
        if data.get("status") == "authorised":
            self._api(
                "POST",
                "payments/capture",
                {
                    "order_id": attempt.provider_reference,
                    "total_amount": data["total_amount"],
                    "shipping_info": {"shipped_at": timezone.now().isoformat(), "shipping_company": "store"},
                },
            )
            data = self._api("GET", path)
        return self._state(data)

    def refund(self, *, attempt: PaymentAttempt, payment: Payment, refund: Refund) -> ProviderRefund:
        """Refund part or all of the captured order; Tamara reports the refunded total on the order."""
        answer = self._api(
            "POST",
            f"payments/simplified-refund/{attempt.provider_reference}",
            {"total_amount": money(refund.amount, refund.currency), "comment": refund.reason[:200]},
        )
        return ProviderRefund(
            reference=str(answer.get("refund_id") or f"{attempt.provider_reference}#{refund.pk}"),
            amount_minor=to_minor(refund.amount, refund.currency),
            status="pending",
            local_id=refund.pk,
        )

    def cancel(self, *, attempt: PaymentAttempt) -> None:
        """Cancel a new, approved or authorised order that was not captured (Tamara releases the payer's limit)."""
        self._api(
            "POST",
            f"orders/{attempt.provider_reference}/cancel",
            {"total_amount": money(from_minor(attempt.amount_minor, attempt.currency), attempt.currency)},
        )

    def verify_event(self, *, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> IncomingEvent:
        """Check the notification's JWT (HS256, our notification token), then read its order id."""
        token = query.get("tamaraToken") or headers.get("Authorization", "").removeprefix("Bearer ").strip()
        secret = settings.TAMARA_NOTIFICATION_TOKEN
        if not token or not secret:
            raise InvalidEvent
        try:
            jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["iat"]})
        except jwt.PyJWTError as exc:
            raise InvalidEvent from exc
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise InvalidEvent from exc
        if not isinstance(data, dict) or not data.get("order_id"):
            raise InvalidEvent
        kind = str(data.get("event_type") or data.get("order_status") or "order_updated")
        return IncomingEvent(
            event_id=f"{data['order_id']}:{kind}",
            type=kind,
            object_id=str(data["order_id"]),
            payload=only(data, "order_id", "order_reference_id", "order_number", "event_type", "order_status"),
        )
