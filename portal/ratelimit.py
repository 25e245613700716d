"""Rate limits on the cache: per client address and per account, answered 429 with Retry-After.

`@rate_limited("exports")` on a view counts each request in a fixed window, once under the client's
address (`portal.http.client_ip`, the one rule every limiter uses behind proxies) and once under the
signed-in user; the limits are `settings.RATE_LIMITS[name]`, e.g. `{"ip": "30/m", "user": "10/m"}`
(count / s, m, h, d or a number of seconds such as `5/300s`). Going over either answers 429 with the
seconds left in the window as `Retry-After`; one client going over never affects another one.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

from audit.http import client_ip

__all__ = ["Limit", "RateLimited", "hit", "parse", "rate_limited"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd]?)\s*$")


class Limit:
    """`count` requests per `seconds`."""

    def __init__(self, count: int, seconds: int) -> None:
        self.count = count
        self.seconds = seconds

    def __repr__(self) -> str:
        return f"Limit({self.count}/{self.seconds}s)"


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


def parse(rate: str) -> Limit:
    """`"10/m"` -> 10 per 60 s; `"5/300s"` -> 5 per 300 s; `"100/2h"` -> 100 per 7200 s."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"bad rate {rate!r}: expected e.g. '10/m' or '5/300s'")
    count, amount, unit = match.groups()
    seconds = int(amount or 1) * _UNITS[unit or "s"]
    return Limit(int(count), seconds)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def hit(name: str, scope: str, ident: str, limit: Limit, now: float | None = None) -> None:
    """Count one request of `ident` against `limit`; raise RateLimited once over it."""
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    key = f"rl:{name}:{scope}:{_digest(ident)}:{limit.seconds}:{window}"
    cache.add(key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=limit.seconds + 1)
        count = 1
    if count > limit.count:
        raise RateLimited(max(1, int((window + 1) * limit.seconds - now + 0.999)))


def _limits(name: str) -> dict[str, Limit]:
    configured = getattr(settings, "RATE_LIMITS", {}).get(name, {})
    return {scope: parse(rate) for scope, rate in configured.items() if rate}


def check(request: HttpRequest, name: str) -> None:
    """Count the request under the client's address and its account; raise RateLimited if over."""
    if not getattr(settings, "RATE_LIMITS_ENABLED", True):
        return
    limits = _limits(name)
    user = getattr(request, "user", None)
    idents = {"ip": client_ip(request) or "unknown"}
    if user is not None and user.is_authenticated:
        idents["user"] = str(user.pk)
    for scope, limit in limits.items():
        if scope in idents:
            hit(name, scope, idents[scope], limit)


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with Retry-After; JSON for API clients and webhooks, plain text otherwise."""
    wants_json = "json" in request.headers.get("Accept", "") or request.content_type == "application/json"
    if wants_json or "/api/" in request.path or "/webhooks/" in request.path:
        response: HttpResponse = JsonResponse({"error": "rate_limited", "retry_after": retry_after}, status=429)
    else:
        response = HttpResponse("Too many requests. Please try again later.", status=429, content_type="text/plain")
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(name: str, methods: Iterable[str] | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Limit a view by `settings.RATE_LIMITS[name]`; only the given HTTP methods count (all by default)."""
    counted = {method.upper() for method in methods} if methods else None

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if counted is None or request.method in counted:
                try:
                    check(request, name)
                except RateLimited as exc:
                    return too_many(request, exc.retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
