"""Tabby's merchant API (v2) as documented: checkout sessions, the hosted payment page, payments with
captures and refunds, closing, and webhook deliveries with the header the merchant registered."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.payments.fakes.server import FakeServer, Request, Response, redirect, with_query

AMOUNT = re.compile(r"^\d+\.\d{2}$")


def _now(delta: timedelta = timedelta(0)) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(message: str, status: int = 400) -> Response:
    return Response(status, {"status": "error", "errorType": "bad_data", "error": message})


class FakeTabby(FakeServer):
    def __init__(self, secret_key: str, merchant_code: str) -> None:
        super().__init__()
        self.secret_key, self.merchant_code = secret_key, merchant_code
        self.sessions: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.route("POST", "/api/v2/checkout", self.checkout)
        self.route("GET", r"/api/v2/payments/(?P<id>[\w-]+)", self.fetch)
        self.route("POST", r"/api/v2/payments/(?P<id>[\w-]+)/captures", self.capture)
        self.route("POST", r"/api/v2/payments/(?P<id>[\w-]+)/refunds", self.refund)
        self.route("POST", r"/api/v2/payments/(?P<id>[\w-]+)/close", self.close)
        self.route("GET", r"/hpp/(?P<id>[\w-]+)", self.hosted_page)

    def _denied(self, request: Request) -> Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.secret_key}":
            return Response(401, {"status": "error", "errorType": "unauthorized", "error": "wrong secret key"})
        return None

    def checkout(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        data = request.json()
        payment = data.get("payment") or {}
        order = payment.get("order") or {}
        buyer = payment.get("buyer") or {}
        urls = data.get("merchant_urls") or {}
        if not AMOUNT.match(str(payment.get("amount", ""))) or payment.get("currency") not in {"SAR", "AED", "KWD"}:
            return _error("payment.amount must be a decimal string, currency SAR, AED or KWD")
        if not buyer.get("email") or not buyer.get("phone"):
            return _error("buyer.email and buyer.phone are required")
        if not order.get("reference_id") or data.get("merchant_code") != self.merchant_code:
            return _error("order.reference_id and a valid merchant_code are required")
        if not all(str(urls.get(k, "")).startswith("http") for k in ("success", "cancel", "failure")):
            return _error("merchant_urls.success, cancel and failure are required")
        if data.get("lang") not in {"ar", "en"}:
            return _error("lang must be ar or en")
        session_id, payment_id = self.new_id(), self.new_id()
        rejected = buyer["email"].startswith("declined")
        self.payments[payment_id] = {
            "id": payment_id,
            "created_at": _now(),
            "expires_at": _now(timedelta(days=1)),
            "status": "CREATED",
            "is_test": True,
            "amount": payment["amount"],
            "currency": payment["currency"],
            "description": payment.get("description", ""),
            "buyer": buyer,
            "order": order,
            "captures": [],
            "refunds": [],
            "meta": payment.get("meta") or {},
        }
        self.sessions[session_id] = {"payment_id": payment_id, "merchant_urls": urls}
        products = {} if rejected else {"installments": [{"web_url": f"{self.base}/hpp/{session_id}"}]}
        return Response(
            200,
            {
                "id": session_id,
                "status": "rejected" if rejected else "created",
                "payment": self.payments[payment_id],
                "configuration": {
                    "available_products": products,
                    "products": {"installments": {"rejection_reason": "not_available" if rejected else None}},
                },
                "merchant_urls": urls,
            },
        )

    def fetch(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        payment = self.payments.get(request.params["id"])
        return Response(200, payment) if payment else _error("payment not found", 404)

    def capture(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        payment = self.payments.get(request.params["id"])
        data = request.json()
        if payment is None:
            return _error("payment not found", 404)
        if any(c["reference_id"] == data.get("reference_id") for c in payment["captures"]):
            return Response(200, payment)  # the same capture again: idempotent
        captured = sum(Decimal(c["amount"]) for c in payment["captures"])
        if payment["status"] != "AUTHORIZED" or not AMOUNT.match(str(data.get("amount", ""))):
            return _error("only an authorized payment can be captured, with a decimal amount")
        if captured + Decimal(data["amount"]) > Decimal(payment["amount"]):
            return _error("capture amount exceeds the payment")
        payment["captures"].append(
            {
                "id": self.new_id(),
                "amount": data["amount"],
                "created_at": _now(),
                "reference_id": data.get("reference_id"),
            }
        )
        if captured + Decimal(data["amount"]) == Decimal(payment["amount"]):
            payment["status"] = "CLOSED"
            payment["closed_at"] = _now()
        return Response(200, payment)

    def refund(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        payment = self.payments.get(request.params["id"])
        data = request.json()
        if payment is None:
            return _error("payment not found", 404)
        if any(r["reference_id"] == data.get("reference_id") for r in payment["refunds"]):
            return Response(200, payment)
        captured = sum(Decimal(c["amount"]) for c in payment["captures"])
        refunded = sum(Decimal(r["amount"]) for r in payment["refunds"])
        if payment["status"] != "CLOSED" or not AMOUNT.match(str(data.get("amount", ""))):
            return _error("only a closed payment can be refunded, with a decimal amount")
        if refunded + Decimal(data["amount"]) > captured:
            return _error("refund amount exceeds the captured amount")
        payment["refunds"].append(
            {
                "id": self.new_id(),
                "amount": data["amount"],
                "reason": data.get("reason", ""),
                "reference_id": data.get("reference_id"),
                "created_at": _now(),
            }
        )
        return Response(200, payment)

    def close(self, request: Request) -> Response:
        if (denied := self._denied(request)) is not None:
            return denied
        payment = self.payments.get(request.params["id"])
        if payment is None:
            return _error("payment not found", 404)
        payment["status"] = "CLOSED"
        return Response(200, payment)

    def hosted_page(self, request: Request) -> Response:
        """The payer approves (or cancels) on Tabby's page and is sent back with the payment id."""
        session = self.sessions.get(request.params["id"])
        if session is None:
            return Response(404, "no such session")
        payment = self.payments[session["payment_id"]]
        outcome = request.query.get("outcome", "approve")
        urls = session["merchant_urls"]
        if outcome == "approve":
            payment["status"] = "AUTHORIZED"
            return redirect(with_query(urls["success"], payment_id=payment["id"]))
        if outcome == "reject":
            payment["status"] = "REJECTED"
            return redirect(with_query(urls["failure"], payment_id=payment["id"]))
        return redirect(with_query(urls["cancel"], payment_id=payment["id"]))

    # --- what tests use to act as Tabby -----------------------------------------------------------------------

    def approve(self, web_url: str, outcome: str = "approve") -> str:
        import requests

        return requests.get(f"{web_url}?outcome={outcome}", allow_redirects=False, timeout=5).headers["Location"]

    def webhook(self, payment_id: str, *, header: str, value: str) -> tuple[bytes, dict[str, str]]:
        """A webhook delivery as Tabby sends it: the payment, lower-case status, and the registered header."""
        payment = dict(self.payments[payment_id], status=self.payments[payment_id]["status"].lower())
        return json.dumps(payment).encode(), {header: value}
