"""A tiny JSON HTTP server in a thread, for the providers' fakes: routes, auth, recorded requests."""

from __future__ import annotations

import json
import re
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response]


class FakeServer:
    """Subclasses add routes with `route(method, pattern)`; `requests` keeps what was received."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.httpd: ThreadingHTTPServer | None = None

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), handler))

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    def dispatch(self, request: Request) -> Response:
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                request.params = match.groupdict()
                with self.lock:
                    self.requests.append(request)
                    return handler(request)
        return Response(404, {"message": "Not found"})

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query={k: v[0] for k, v in parse_qs(parts.query).items()},
                    headers={k: v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                response = fake.dispatch(request)
                if isinstance(response.body, (dict, list)):
                    payload = json.dumps(response.body).encode()
                    content_type = "application/json"
                else:
                    payload = (
                        (response.body or "").encode() if isinstance(response.body, str) else (response.body or b"")
                    )
                    content_type = "text/html; charset=utf-8"
                self.send_response(response.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()

    def calls(self, method: str, prefix: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]


def redirect(url: str) -> Response:
    return Response(302, "", {"Location": url})


def with_query(url: str, **params: str) -> str:
    from urllib.parse import urlencode

    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


class RecordingProxy(FakeServer):
    """Forwards every call to `target` and keeps what was sent: to see exactly what went over the wire."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target
        for method in ("GET", "POST", "DELETE"):
            self.route(method, r"/.*", self.forward)

    def forward(self, request: Request) -> Response:
        import requests

        headers = {k: v for k, v in request.headers.items() if k.lower() not in {"host", "content-length"}}
        answer = requests.request(
            request.method,
            f"{self.target}{request.path}",
            params=request.query,
            data=request.body,
            headers=headers,
            timeout=10,
        )
        return Response(answer.status_code, answer.json() if answer.content else {})


class LosingProxy(RecordingProxy):
    """Forwards every call, but loses the answer of those matching `lose` (method, path pattern): the provider
    acted, our side sees a gateway error, as when a connection drops after the request arrived."""

    def __init__(self, target: str, *, lose: tuple[str, str]) -> None:
        super().__init__(target)
        self.lose = (lose[0], re.compile(lose[1]))

    def forward(self, request: Request) -> Response:
        answer = super().forward(request)
        if request.method == self.lose[0] and self.lose[1].search(request.path):
            return Response(502, {"message": "bad gateway"})
        return answer
