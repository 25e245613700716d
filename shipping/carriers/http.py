"""An HTTP courier API of the usual shape (JSON over HTTPS, bearer key, idempotency keys).

    POST {base}/v1/shipments                 Idempotency-Key: <uuid>  -> 201 {"id", "tracking_number", "label_pdf"}
    POST {base}/v1/shipments/{id}/cancel                             -> 200
    GET  {base}/v1/shipments/{id}                                    -> 200 {"status", "updated_at", "events"}

`label_pdf` is base64. A repeated POST with the same Idempotency-Key answers with the first booking,
so a job that is run again after a crash never books a second parcel.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import io
import json
import logging
import urllib.error
import urllib.request
from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.conf import settings

from shipping.carriers.base import Booking, CarrierRejected, CarrierUnavailable, Parcel, TrackingUpdate

logger = logging.getLogger(__name__)

#: the courier's statuses -> ours
STATUSES = {
    "booked": "label_created",
    "label_created": "label_created",
    "picked_up": "handed_over",
    "in_transit": "in_transit",
    "out_for_delivery": "in_transit",
    "delivered": "delivered",
    "returned": "returned",
    "returned_to_sender": "returned",
    "lost": "failed",
}


class HttpCarrier:
    code = "http"
    name = "Courier API"
    gives_tracking_number = True
    third_party = True

    def __init__(self, *, base_url: str, api_key: str, timeout: float = 15.0) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise CarrierRejected("the courier API URL is not set (SHIPPING_HTTP_CARRIER_URL)")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    @classmethod
    def from_settings(cls) -> HttpCarrier:
        return cls(
            base_url=settings.SHIPPING_HTTP_CARRIER_URL,
            api_key=settings.SHIPPING_HTTP_CARRIER_API_KEY,
            timeout=settings.SHIPPING_HTTP_CARRIER_TIMEOUT,
        )

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            f"{self.base_url}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                **headers,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = response.read()
        except urllib.error.HTTPError as exc:
            detail = _error_detail(exc)
            logger.warning("courier API error", extra={"status": exc.code, "path": path.split("/")[2:3]})
            if exc.code == 429 or exc.code >= 500:
                raise CarrierUnavailable(f"HTTP {exc.code}: {detail}") from exc
            raise CarrierRejected(f"HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise CarrierUnavailable(f"no answer from the courier API: {exc}") from exc
        except (http.client.HTTPException, OSError) as exc:  # IncompleteRead: the answer was cut off
            raise CarrierUnavailable(f"the courier API's answer was cut off or unreadable: {exc!r}"[:300]) from exc
        try:
            answer = json.loads(payload or b"{}")
        except ValueError as exc:  # a truncated body reads as broken JSON: worth another try
            raise CarrierUnavailable("the courier API answered with something that is not JSON") from exc
        if not isinstance(answer, dict):
            raise CarrierRejected(f"the courier API answered with a JSON {type(answer).__name__}, not an object")
        return answer

    def book(self, parcel: Parcel) -> Booking:
        """Book one parcel; a repeat with the same idempotency key returns the same booking."""
        body = asdict(parcel)
        body.pop("idempotency_key")
        answer = self._call("POST", "/v1/shipments", body, **{"Idempotency-Key": parcel.idempotency_key})
        booking_id = answer.get("id")
        if not isinstance(booking_id, str | int) or isinstance(booking_id, bool) or not str(booking_id).strip():
            raise CarrierRejected("the courier API's booking answer has no shipment id")
        tracking_number = answer.get("tracking_number") or ""
        if not isinstance(tracking_number, str | int) or isinstance(tracking_number, bool):
            raise CarrierRejected("the courier API's tracking number is not text")
        return Booking(
            carrier_reference=str(booking_id)[:64],
            tracking_number=str(tracking_number)[:64],
            label_pdf=_label(answer.get("label_pdf")),
        )

    def cancel(self, *, carrier_reference: str) -> None:
        """Cancel a booking that has not been picked up."""
        self._call("POST", f"/v1/shipments/{carrier_reference}/cancel", {})

    def track(self, *, carrier_reference: str, tracking_number: str) -> TrackingUpdate | None:
        """Where the parcel is now; None if the courier's status is one we do not follow."""
        answer = self._call("GET", f"/v1/shipments/{carrier_reference}")
        status = STATUSES.get(str(answer.get("status", "")))
        if status is None:
            return None
        at = None
        if answer.get("updated_at"):
            try:
                at = datetime.fromisoformat(str(answer["updated_at"]))
            except ValueError:
                at = None
        listed = answer.get("events")
        events = tuple(str(e)[:200] for e in listed if isinstance(e, str)) if isinstance(listed, list) else ()
        return TrackingUpdate(status=status, at=at, note=str(answer.get("status")), events=events)


def _label(value: Any) -> bytes | None:
    """The booking's label as PDF bytes; a label that is not base64 of a readable PDF is refused."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise CarrierRejected(f"the courier API's label_pdf is a {type(value).__name__}, not base64 text")
    try:
        label = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CarrierRejected("the courier API's label_pdf is not valid base64") from exc
    if not label.startswith(b"%PDF-"):
        raise CarrierRejected("the courier API's label is not a PDF")
    try:
        PdfReader(io.BytesIO(label)).pages[0]  # noqa: B018 - reading it is the check
    except (PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise CarrierRejected("the courier API's label is a damaged PDF that cannot be read") from exc
    return label


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(exc.read() or b"{}")
    except (ValueError, OSError):
        return exc.reason if isinstance(exc.reason, str) else ""
    return str(payload.get("error") or payload.get("message") or "")[:300]
