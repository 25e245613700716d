"""Tamara's merchant API as documented: checkout, the approval page, order details, authorise, capture,
simplified refund, cancel, and notifications carrying a JWT signed with the merchant's notification token."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import jwt

from tests.payments.fakes.server import FakeServer, Request, Response, redirect, with_query


def _error(message: str, status: int = 400) -> Response:
    return Response(status, {"message": message, "errors": [{"error_code": "invalid_request", "message": message}]})


def _money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": float(amount), "currency": currency}


class FakeTamara(FakeServer):
    def __init__(self, api_token: str, notification_token: str) -> None:
        super().__init__()
        self.api_token, self.notification_token = api_token, notification_token
        self.orders: dict[str, dict[str, Any]] = {}
        self.checkouts: dict[str, str] = {}
        self.route("POST", "/checkout", self.checkout)
        self.route("GET", r"/checkout/(?P<id>[\w-]+)", self.approval_page)
        self.route("GET", r"/orders/(?P<id>[\w-]+)", self.fetch)
        self.route("POST", r"/orders/(?P<id>[\w-]+)/authorise", self.authorise)
        self.route("POST", r"/orders/(?P<id>[\w-]+)/cancel", self.cancel)
        self.route("POST", "/payments/capture", self.capture)
        self.route("POST", r"/payments/simplified-refund/(?P<id>[\w-]+)", self.refund)

    def _denied(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.api_token}":
            return Response(401, {"message": "Unauthorized"})
        return None

    def checkout(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        data = request.json()
        total = data.get("total_amount") or {}
        consumer = data.get("consumer") or {}
        address = data.get("shipping_address") or {}
        urls = data.get("merchant_url") or {}
        if not isinstance(total.get("amount"), (int, float)) or total.get("currency") != "SAR":
            return _error("total_amount must be a number in SAR")
        if data.get("country_code") != "SA" or not data.get("order_reference_id") or not data.get("items"):
            return _error("country_code SA, order_reference_id and items are required")
        for item in data["items"]:
            if not all(item.get(k) for k in ("name", "sku", "quantity", "total_amount", "reference_id", "type")):
                return _error("each item needs name, sku, quantity, type, reference_id and total_amount")
        if not all(consumer.get(k) for k in ("first_name", "last_name", "phone_number", "email")):
            return _error("consumer first_name, last_name, phone_number and email are required")
        if not all(address.get(k) for k in ("first_name", "last_name", "line1", "city", "country_code")):
            return _error("shipping_address first_name, last_name, line1, city and country_code are required")
        if not all(str(urls.get(k, "")).startswith("http") for k in ("success", "failure", "cancel", "notification")):
            return _error("merchant_url success, failure, cancel and notification are required")
        order_id, checkout_id = self.new_id(), self.new_id()
        self.orders[order_id] = {
            "order_id": order_id,
            "order_reference_id": data["order_reference_id"],
            "order_number": data.get("order_number", ""),
            "status": "new",
            "total_amount": total,
            "captured_amount": _money(Decimal(0), "SAR"),
            "refunded_amount": _money(Decimal(0), "SAR"),
            "canceled_amount": _money(Decimal(0), "SAR"),
            "consumer": consumer,
            "payment_type": data.get("payment_type"),
            "merchant_url": urls,
            "created_at": datetime.now(UTC).isoformat(),
        }
        self.checkouts[checkout_id] = order_id
        return Response(
            200,
            {
                "order_id": order_id,
                "checkout_id": checkout_id,
                "checkout_url": f"{self.base}/checkout/{checkout_id}",
                "status": "new",
            },
        )

    def approval_page(self, request: Request) -> Response:
        order = self.orders.get(self.checkouts.get(request.params["id"], ""))
        if order is None:
            return Response(404, "no such checkout")
        outcome = request.query.get("outcome", "approve")
        urls = order["merchant_url"]
        if outcome == "approve":
            order["status"] = "approved"
            return redirect(with_query(urls["success"], orderId=order["order_id"], paymentStatus="approved"))
        if outcome == "decline":
            order["status"] = "declined"
            return redirect(with_query(urls["failure"], orderId=order["order_id"], paymentStatus="declined"))
        return redirect(with_query(urls["cancel"], orderId=order["order_id"], paymentStatus="canceled"))

    def fetch(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        order = self.orders.get(request.params["id"])
        if order is None:
            return _error("Order not found", 404)
        return Response(200, {k: v for k, v in order.items() if k != "merchant_url"})

    def authorise(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        order = self.orders.get(request.params["id"])
        if order is None or order["status"] != "approved":
            return _error("Order is not approved", 409)
        order["status"] = "authorised"
        return Response(
            200,
            {
                "order_id": order["order_id"],
                "status": "authorised",
                "order_expiry_time": (datetime.now(UTC) + timedelta(days=21)).isoformat(),
                "payment_type": order["payment_type"],
                "auto_captured": False,
                "authorized_amount": order["total_amount"],
                "capture_id": None,
            },
        )

    def capture(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        data = request.json()
        order = self.orders.get(str(data.get("order_id")))
        if order is None or order["status"] != "authorised":
            return _error("Only an authorised order can be captured", 409)
        if not (data.get("shipping_info") or {}).get("shipped_at"):
            return _error("shipping_info.shipped_at is required")
        if Decimal(str(data["total_amount"]["amount"])) != Decimal(str(order["total_amount"]["amount"])):
            return _error("capture amount must be the order total in this test gateway")
        order["status"] = "fully_captured"
        order["captured_amount"] = order["total_amount"]
        capture_id = self.new_id()
        return Response(
            200,
            {
                "capture_id": capture_id,
                "order_id": order["order_id"],
                "status": "fully_captured",
                "captured_amount": order["captured_amount"],
            },
        )

    def refund(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        order = self.orders.get(request.params["id"])
        data = request.json()
        if order is None or order["status"] not in {"fully_captured", "partially_refunded"}:
            return _error("Order cannot be refunded", 409)
        amount = Decimal(str(data["total_amount"]["amount"]))
        refunded = Decimal(str(order["refunded_amount"]["amount"])) + amount
        captured = Decimal(str(order["captured_amount"]["amount"]))
        if amount <= 0 or refunded > captured:
            return _error("Refund exceeds the captured amount")
        order["refunded_amount"] = _money(refunded, "SAR")
        order["status"] = "fully_refunded" if refunded == captured else "partially_refunded"
        return Response(
            200,
            {
                "order_id": order["order_id"],
                "refund_id": self.new_id(),
                "capture_id": None,
                "status": order["status"],
                "refunded_amount": order["refunded_amount"],
            },
        )

    def cancel(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        order = self.orders.get(request.params["id"])
        if order is None or order["status"] not in {"new", "approved", "authorised"}:
            return _error("Order cannot be canceled", 409)
        order["status"] = "canceled"
        return Response(200, {"order_id": order["order_id"], "status": "canceled"})

    # --- what tests use to act as Tamara ----------------------------------------------------------------------

    def approve(self, checkout_url: str, outcome: str = "approve") -> str:
        import requests

        return requests.get(f"{checkout_url}?outcome={outcome}", allow_redirects=False, timeout=5).headers["Location"]

    def notification(
        self, order_id: str, *, event_type: str = "order_approved", key: str | None = None
    ) -> tuple[bytes, str]:
        """A notification as Tamara posts it, and its `tamaraToken` (HS256 with the notification token)."""
        order = self.orders[order_id]
        body = {
            "order_id": order_id,
            "order_reference_id": order["order_reference_id"],
            "order_number": order["order_number"],
            "event_type": event_type,
            "data": {},
        }
        now = int(time.time())
        token = jwt.encode(
            {"iat": now, "exp": now + 3600, "iss": "Tamara"}, key or self.notification_token, algorithm="HS256"
        )
        return json.dumps(body).encode(), token
