"""A fake courier API on 127.0.0.1, speaking the protocol of shipping.carriers.http, for tests and the bench.

It keeps one booking per idempotency key (a repeat answers with the first booking) and counts the
booking requests per key, so a test can show a job was run twice and the parcel booked once. It can
be slow on purpose (a worker can be killed mid-booking), fail the next N requests with 503, refuse
with 422, put the store's name on its labels, or answer with something malformed.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def minimal_pdf(text: str) -> bytes:
    """A valid one-page PDF showing `text` (ASCII), small enough to send with every booking."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 20 100 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class FakeCourier:
    """Start with `start()` (returns the base URL), stop with `stop()`; inspect the counters in between."""

    def __init__(self, *, delay: float = 0.0, api_key: str = "test-key") -> None:
        self.delay = delay
        self.api_key = api_key
        self.fail_next = 0
        self.reject_all = False
        self.label_extra = ""
        #: answer bookings badly: "array", "label_number", "not_pdf", "truncated" (see `_bad_answer`)
        self.bad_answer = ""
        #: answer cancellations with 503 (the booking stays live)
        self.fail_cancel = False
        #: answer tracking requests for these booking ids with a JSON array instead of an object
        self.bad_tracking: set[str] = set()
        self.lock = threading.Lock()
        self.bookings: dict[str, dict[str, Any]] = {}  # idempotency key -> booking
        self.by_id: dict[str, dict[str, Any]] = {}
        self.requests: Counter[str] = Counter()  # booking requests per idempotency key
        self.cancelled: list[str] = []
        self.booking_started = threading.Event()
        self.server: ThreadingHTTPServer | None = None

    # --- control ---
    def start(self) -> str:
        courier = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def _send(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {courier.api_key}":
                    self._send(401, {"error": "bad API key"})
                    return False
                return True

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self._authorised():
                    return
                if self.path == "/v1/shipments":
                    courier._book(self, body)
                elif self.path.startswith("/v1/shipments/") and self.path.endswith("/cancel"):
                    booking_id = self.path.split("/")[3]
                    if courier.fail_cancel:
                        self._send(503, {"error": "cancellation temporarily unavailable"})
                        return
                    with courier.lock:
                        courier.cancelled.append(booking_id)
                        if booking_id in courier.by_id:
                            courier.by_id[booking_id]["status"] = "cancelled"
                    self._send(200, {"id": booking_id, "status": "cancelled"})
                else:
                    self._send(404, {"error": "not found"})

            def do_GET(self) -> None:  # noqa: N802
                if not self._authorised():
                    return
                booking_id = self.path.rsplit("/", 1)[-1]
                if booking_id in courier.bad_tracking:
                    self._send(200, ["not", "an", "object"])
                    return
                booking = courier.by_id.get(booking_id)
                if booking is None:
                    self._send(404, {"error": "no such shipment"})
                    return
                self._send(200, {"id": booking["id"], "status": booking["status"], "updated_at": booking["updated_at"]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def set_status(self, booking_id: str, status: str) -> None:
        with self.lock:
            self.by_id[booking_id]["status"] = status
            self.by_id[booking_id]["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())

    @property
    def booking_count(self) -> int:
        return len(self.bookings)

    # --- the booking endpoint ---
    def _book(self, handler: Any, body: dict[str, Any]) -> None:
        key = handler.headers.get("Idempotency-Key", "")
        with self.lock:
            self.requests[key] += 1
            if self.fail_next > 0:
                self.fail_next -= 1
                handler._send(503, {"error": "temporarily unavailable"})
                return
            if self.reject_all:
                handler._send(422, {"error": "postal code not served"})
                return
            if not key:
                handler._send(400, {"error": "Idempotency-Key header required"})
                return
            booking = self.bookings.get(key)
            if booking is None:
                booking_id = f"FC{uuid.uuid4().hex[:10].upper()}"
                tracking = f"FC{len(self.bookings) + 1:08d}SA"
                label = minimal_pdf(f"{tracking} {body.get('reference', '')} {self.label_extra}".strip())
                booking = {
                    "id": booking_id,
                    "tracking_number": tracking,
                    "label_pdf": base64.b64encode(label).decode(),
                    "status": "booked",
                    "updated_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                    "reference": body.get("reference"),
                }
                self.bookings[key] = booking
                self.by_id[booking_id] = booking
        self.booking_started.set()
        if self.delay:
            time.sleep(self.delay)  # slow on purpose: the booking exists, the answer has not left yet
        answer = {k: booking[k] for k in ("id", "tracking_number", "label_pdf", "status")}
        if self.bad_answer:
            self._bad_answer(handler, answer)
            return
        handler._send(201, answer)

    def _bad_answer(self, handler: Any, answer: dict[str, Any]) -> None:
        """Answer a booking the way a broken courier API or proxy might."""
        if self.bad_answer == "array":
            handler._send(201, [answer])
        elif self.bad_answer == "label_number":
            handler._send(201, {**answer, "label_pdf": 12345})
        elif self.bad_answer == "not_pdf":
            handler._send(201, {**answer, "label_pdf": base64.b64encode(b"<html>label</html>").decode()})
        elif self.bad_answer == "truncated":  # promises more bytes than it sends, then hangs up
            body = json.dumps(answer).encode()
            handler.send_response(201)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body) + 100))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
        else:
            raise ValueError(self.bad_answer)
