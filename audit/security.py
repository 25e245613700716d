"""Security events: one function records every security event to the table and to one structured log.

`record_event(kind, request=None, user=None, **details)` is the only way in, for privacy's signal receivers
(failed sign-ins, lockouts, new devices), the staff sign-in, payments (invalid webhook signatures) and the
privacy features. Details must not hold personal data: a sign-in name is passed as `username=` and stored and
logged only as a keyed hash. After writing, the callbacks registered with `on_event` run (privacy's alert
rules: a burst of failures from one address, or a staff sign-in from a new address, emails the security
role), so this module needs nothing above it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils import timezone

from audit.crypto import keyed_hash
from audit.http import client_ip
from audit.models import KnownDevice, SecurityEvent

logger = logging.getLogger("audit.security")

Kind = SecurityEvent.Kind

#: detail keys that would carry personal data or secrets into the table and the log
FORBIDDEN_DETAILS = frozenset({"email", "password", "code", "token", "session", "session_key", "card", "phone"})
WARNING_KINDS = frozenset(
    {Kind.LOGIN_FAILED, Kind.CODE_FAILED, Kind.LOCKED_OUT, Kind.PERMISSION_DENIED, Kind.WEBHOOK_INVALID}
)

#: what runs after each recorded event (registered by the apps above, e.g. privacy's alert rules)
_callbacks: list[Callable[[SecurityEvent], None]] = []


def on_event(callback: Callable[[SecurityEvent], None]) -> Callable[[SecurityEvent], None]:
    """Run `callback(event)` after every security event is written (once per callback, however often registered)."""
    if callback not in _callbacks:
        _callbacks.append(callback)
    return callback


def device_family(user_agent: str) -> str:
    """The browser and system of a user agent without version numbers, so an update is not a new device."""
    return re.sub(r"[\d._]+", "", user_agent).strip()[:200]


def record_event(
    kind: str, request: HttpRequest | None = None, user: AbstractBaseUser | None = None, **details: Any
) -> SecurityEvent:
    """Write one security event (table + structured log line), then run the registered callbacks."""
    forbidden = FORBIDDEN_DETAILS & set(details)
    if forbidden:
        raise ValueError(f"security event details must not carry personal data or secrets: {sorted(forbidden)}")
    username = details.pop("username", "") or ""
    ip_address = details.pop("ip_address", None)
    user_agent = ""
    if request is not None:
        ip_address = ip_address or client_ip(request)
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:200]
        request_user = getattr(request, "user", None)
        if user is None and request_user is not None and request_user.is_authenticated:
            user = request_user
        if request.path:
            details.setdefault("route", _where(request))
    event = SecurityEvent.objects.create(
        kind=kind,
        # the column is the project's user model, which `audit` may not name: any saved user fits it
        user=user if user is not None and getattr(user, "pk", None) else None,  # type: ignore[misc]
        username_hash=keyed_hash(username) if username else "",
        ip_address=ip_address,
        user_agent=user_agent,
        details=details,
    )
    payload = {
        "event": kind,
        "event_id": event.pk,
        "user_id": event.user_id,
        "username_hash": event.username_hash[:16] or None,
        "ip_hash": keyed_hash(ip_address)[:16] if ip_address else None,
        **details,
    }
    level = logging.WARNING if kind in WARNING_KINDS else logging.INFO
    logger.log(
        level, "security_event %s", json.dumps(payload, sort_keys=True, default=str), extra={"security": payload}
    )
    for callback in _callbacks:
        callback(event)
    return event


def axes_client_str(username: str, ip_address: str, user_agent: str, path_info: Any, request: Any) -> str:
    """How django-axes names a client in its log lines: keyed hashes, no email, no address."""
    user = keyed_hash(username)[:16] if username else "-"
    ip = keyed_hash(ip_address)[:16] if ip_address else "-"
    return f'{{username_hash: "{user}", ip_hash: "{ip}"}}'


def _where(request: HttpRequest) -> str:
    """The URL pattern of the request (never the path itself, which may carry a token)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return match.route[:200]
    try:
        return resolve(request.path_info).route[:200]
    except Resolver404:
        return "(unknown)"


def note_login(request: HttpRequest | None, user: AbstractBaseUser) -> None:
    """Record a sign-in, and a new-device event when the address or browser was not seen for this user before."""
    ip = client_ip(request) if request is not None else None
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    ip_hash, agent_hash = keyed_hash(ip or "-"), keyed_hash(device_family(agent) or "-")
    known = KnownDevice.objects.filter(user_id=user.pk)
    first_ever = not known.exists()
    new_ip = not known.filter(ip_hash=ip_hash).exists()
    new_agent = not known.filter(agent_hash=agent_hash).exists()
    device, created = KnownDevice.objects.get_or_create(user_id=user.pk, ip_hash=ip_hash, agent_hash=agent_hash)
    if not created:
        KnownDevice.objects.filter(pk=device.pk).update(last_seen_at=timezone.now())
    if created and not first_ever:
        record_event(Kind.NEW_DEVICE, request, user=user, new_address=new_ip, new_browser=new_agent)
    else:
        record_event(Kind.LOGGED_IN, request, user=user, first_sign_in=first_ever)
