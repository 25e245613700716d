"""A Saudi card gateway speaking Moyasar's documented API: invoices (hosted page), creditcard payments with
3-D Secure, fetch, refund, and webhook payloads carrying the shared secret token."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from tests.payments.fakes.server import FakeServer, Request, Response, redirect, with_query

#: The gateway never returns a card number: its payment objects carry `source.number` already masked, first six
#: and last four digits, like these (a mada BIN and Visa's test card). Ours only stores what the gateway says.
MASKED_MADA_NUMBER = "4201-32XX-XXXX-1010"
MASKED_VISA_NUMBER = "4111-11XX-XXXX-1111"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _error(message: str, errors: dict[str, Any] | None = None, status: int = 400) -> Response:
    return Response(status, {"type": "invalid_request_error", "message": message, "errors": errors or {}})


class FakeMoyasar(FakeServer):
    def __init__(self, secret_key: str) -> None:
        super().__init__()
        self.secret_key = secret_key
        self.invoices: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.route("POST", "/v1/invoices", self.create_invoice)
        self.route("GET", r"/v1/invoices/(?P<id>[\w-]+)", self.fetch_invoice)
        self.route("PUT", r"/v1/invoices/(?P<id>[\w-]+)/cancel", self.cancel_invoice)
        self.route("GET", r"/v1/payments/(?P<id>[\w-]+)", self.fetch_payment)
        self.route("POST", r"/v1/payments/(?P<id>[\w-]+)/refund", self.refund)
        self.route("GET", r"/invoices/(?P<id>[\w-]+)", self.hosted_page)
        self.route("POST", r"/invoices/(?P<id>[\w-]+)/pay", self.pay)
        self.route("GET", r"/3ds/(?P<id>[\w-]+)", self.three_d_secure)

    def _authorised(self, request: Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{self.secret_key}:".encode()).decode()
        return request.headers.get("Authorization") == expected

    def _api(self, request: Request) -> Response | None:
        if not self._authorised(request):
            return Response(401, {"type": "authentication_error", "message": "Invalid authorization credentials"})
        return None

    def create_invoice(self, request: Request) -> Response:
        if (denied := self._api(request)) is not None:
            return denied
        data = request.json()
        errors = {}
        if not isinstance(data.get("amount"), int) or data["amount"] < 100:
            errors["amount"] = ["must be an integer in halalas, at least 100"]
        if data.get("currency") != "SAR":
            errors["currency"] = ["is not supported"]
        if not data.get("description"):
            errors["description"] = ["can't be blank"]
        for url in ("callback_url", "success_url", "back_url"):
            if not str(data.get(url, "")).startswith(("http://", "https://")):
                errors[url] = ["must be a valid URL"]
        if errors:
            return _error("Validation Failed", errors)
        invoice_id = self.new_id()
        self.invoices[invoice_id] = {
            "id": invoice_id,
            "status": "initiated",
            "amount": data["amount"],
            "currency": data["currency"],
            "description": data["description"],
            "amount_format": f"{data['amount'] / 100:.2f} SAR",
            "url": f"{self.base}/invoices/{invoice_id}",
            "callback_url": data["callback_url"],
            "success_url": data["success_url"],
            "back_url": data["back_url"],
            "expired_at": None,
            "created_at": _now(),
            "updated_at": _now(),
            "metadata": data.get("metadata") or {},
            "payment_ids": [],
        }
        return Response(201, self._invoice(invoice_id))

    def _invoice(self, invoice_id: str) -> dict[str, Any]:
        invoice = dict(self.invoices[invoice_id])
        invoice["payments"] = [self.payments[p] for p in invoice.pop("payment_ids")]
        return invoice

    def fetch_invoice(self, request: Request) -> Response:
        if (denied := self._api(request)) is not None:
            return denied
        if request.params["id"] not in self.invoices:
            return _error("Object not found", status=404)
        return Response(200, self._invoice(request.params["id"]))

    def cancel_invoice(self, request: Request) -> Response:
        if (denied := self._api(request)) is not None:
            return denied
        invoice = self.invoices.get(request.params["id"])
        if invoice is None or invoice["status"] != "initiated":
            return _error("Invoice cannot be canceled")
        invoice["status"] = "canceled"
        return Response(200, self._invoice(invoice["id"]))

    def fetch_payment(self, request: Request) -> Response:
        if (denied := self._api(request)) is not None:
            return denied
        payment = self.payments.get(request.params["id"])
        return Response(200, payment) if payment else _error("Object not found", status=404)

    def refund(self, request: Request) -> Response:
        if (denied := self._api(request)) is not None:
            return denied
        payment = self.payments.get(request.params["id"])
        if payment is None:
            return _error("Object not found", status=404)
        amount = request.json().get("amount", payment["amount"] - payment["refunded"])
        if payment["status"] not in {"paid", "refunded"} or not 0 < amount <= payment["amount"] - payment["refunded"]:
            return _error("Payment cannot be refunded")
        payment.update(status="refunded", refunded=payment["refunded"] + amount, refunded_at=_now(), updated_at=_now())
        return Response(200, payment)

    # --- the hosted page and 3-D Secure: what the payer's browser goes through -------------------------------

    def hosted_page(self, request: Request) -> Response:
        invoice = self.invoices.get(request.params["id"])
        if invoice is None:
            return Response(404, "no such invoice")
        return Response(
            200,
            f"<form method=post action=/invoices/{invoice['id']}/pay><input name=company value=mada>"
            f"<button>Pay {invoice['amount_format']}</button></form>",
        )

    def pay(self, request: Request) -> Response:
        """The payer submits a card on the gateway's page (card details never reach the merchant)."""
        invoice = self.invoices.get(request.params["id"])
        if invoice is None or invoice["status"] != "initiated":
            return Response(400, "invoice not payable")
        form = request.form()
        company = form.get("company", "mada")
        outcome = form.get("outcome", "approve")
        payment_id = self.new_id()
        self.payments[payment_id] = {
            "id": payment_id,
            "status": "initiated",
            "amount": invoice["amount"],
            "fee": 0,
            "currency": invoice["currency"],
            "refunded": 0,
            "refunded_at": None,
            "captured": 0,
            "captured_at": None,
            "voided_at": None,
            "description": invoice["description"],
            "amount_format": invoice["amount_format"],
            "invoice_id": invoice["id"],
            "ip": None,
            "callback_url": invoice["success_url"],
            "created_at": _now(),
            "updated_at": _now(),
            "metadata": invoice["metadata"],
            "source": {
                "type": "creditcard",
                "company": company,
                "name": "Card Holder",
                "number": MASKED_MADA_NUMBER if company == "mada" else MASKED_VISA_NUMBER,
                "gateway_id": "moyasar_cc_" + payment_id[:8],
                "reference_number": None,
                "token": None,
                "message": None,
                "transaction_url": f"{self.base}/3ds/{payment_id}?outcome={outcome}",
            },
        }
        invoice["payment_ids"].append(payment_id)
        return redirect(self.payments[payment_id]["source"]["transaction_url"])

    def three_d_secure(self, request: Request) -> Response:
        """The issuer's 3-D Secure step, then back to the merchant's page with the payment's id."""
        payment = self.payments.get(request.params["id"])
        if payment is None:
            return Response(404, "no such payment")
        invoice = self.invoices[payment["invoice_id"]]
        if request.query.get("outcome", "approve") == "approve":
            payment.update(status="paid", captured=payment["amount"], captured_at=_now(), updated_at=_now())
            payment["source"]["message"] = "APPROVED"
            invoice.update(status="paid", updated_at=_now())
        else:
            payment.update(status="failed", updated_at=_now())
            payment["source"]["message"] = "INSUFFICIENT_FUNDS"
        return redirect(
            with_query(
                invoice["success_url"],
                id=payment["id"],
                status=payment["status"],
                message=payment["source"]["message"],
                invoice_id=invoice["id"],
            )
        )

    # --- what tests use to act as the gateway ------------------------------------------------------------------

    def pay_invoice(self, invoice_id: str, *, company: str = "mada", outcome: str = "approve") -> str:
        """Go through the hosted page and 3-D Secure as a payer would; the URL the payer lands on at the merchant."""
        import requests

        page = requests.post(
            f"{self.base}/invoices/{invoice_id}/pay",
            data={"company": company, "outcome": outcome},
            allow_redirects=False,
            timeout=5,
        )
        secure = requests.get(page.headers["Location"], allow_redirects=False, timeout=5)
        return secure.headers["Location"]

    def webhook(self, payment_id: str, *, event_type: str, secret_token: str) -> dict[str, Any]:
        """The body the gateway posts to the merchant's webhook for a payment event."""
        return {
            "id": self.new_id(),
            "type": event_type,
            "created_at": _now(),
            "secret_token": secret_token,
            "account_name": "Store",
            "live": False,
            "data": self.payments[payment_id],
        }
