"""Security monitoring: one function records every security event to the table and to one structured log.

`record_event(kind, request=None, user=None, **details)` is the only way in, for this app's signal
receivers (failed sign-ins, lockouts, new devices), the staff sign-in, payments (invalid webhook
signatures) and the privacy features. Details must not hold personal data: a sign-in name is passed as
`username=` and stored and logged only as a keyed hash. After writing, the alert rules run: a burst of
failures from one address, or a staff sign-in from a new address, emails the security role. A scheduled
job that fails for good alerts them too (`alert_job_failed`, from Celery's task_failure signal).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from portal.http import client_ip
from portal.roles import staff_with_role
from privacy.crypto import keyed_hash
from privacy.models import KnownDevice, SecurityAlert, SecurityEvent

logger = logging.getLogger("privacy.security")

Kind = SecurityEvent.Kind

#: detail keys that would carry personal data or secrets into the table and the log
FORBIDDEN_DETAILS = frozenset({"email", "password", "code", "token", "session", "session_key", "card", "phone"})
WARNING_KINDS = frozenset(
    {Kind.LOGIN_FAILED, Kind.CODE_FAILED, Kind.LOCKED_OUT, Kind.PERMISSION_DENIED, Kind.WEBHOOK_INVALID}
)
FAILURE_KINDS = (Kind.LOGIN_FAILED, Kind.CODE_FAILED)
#: one alert per failing scheduled job per hour (a job beat runs every few minutes must not flood the team)
JOB_ALERT_WINDOW = timedelta(hours=1)


def device_family(user_agent: str) -> str:
    """The browser and system of a user agent without version numbers, so an update is not a new device."""
    return re.sub(r"[\d._]+", "", user_agent).strip()[:200]


def record_event(kind: str, request: HttpRequest | None = None, user: Any = None, **details: Any) -> SecurityEvent:
    """Write one security event (table + structured log line), then run the alert rules."""
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
        user=user if user is not None and getattr(user, "pk", None) else None,
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
    _run_alert_rules(event)
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
    from django.urls import Resolver404, resolve

    try:
        return resolve(request.path_info).route[:200]
    except Resolver404:
        return "(unknown)"


def note_login(request: HttpRequest | None, user: Any) -> None:
    """Record a sign-in, and a new-device event when the address or browser was not seen for this user before."""
    ip = client_ip(request) if request is not None else None
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    ip_hash, agent_hash = keyed_hash(ip or "-"), keyed_hash(device_family(agent) or "-")
    known = KnownDevice.objects.filter(user=user)
    first_ever = not known.exists()
    new_ip = not known.filter(ip_hash=ip_hash).exists()
    new_agent = not known.filter(agent_hash=agent_hash).exists()
    device, created = KnownDevice.objects.get_or_create(user=user, ip_hash=ip_hash, agent_hash=agent_hash)
    if not created:
        KnownDevice.objects.filter(pk=device.pk).update(last_seen_at=timezone.now())
    if created and not first_ever:
        record_event(Kind.NEW_DEVICE, request, user=user, new_address=new_ip, new_browser=new_agent)
    else:
        record_event(Kind.LOGGED_IN, request, user=user, first_sign_in=first_ever)


def _run_alert_rules(event: SecurityEvent) -> None:
    if event.kind in FAILURE_KINDS and event.ip_address:
        _failure_burst(event)
    if event.kind == Kind.NEW_DEVICE and event.details.get("new_address") and event.user and event.user.is_staff:
        _alert(
            SecurityAlert.Rule.ADMIN_NEW_IP,
            subject=f"user:{event.user_id}",
            message=f"Staff account #{event.user_id} signed in from an address not seen before: {event.ip_address}.",
            details={"staff_id": event.user_id, "ip_address": event.ip_address, "event_id": event.pk},
            window=None,
        )


def _failure_burst(event: SecurityEvent) -> None:
    window = timedelta(minutes=settings.SECURITY_BURST_WINDOW_MINUTES)
    since = timezone.now() - window
    count = SecurityEvent.objects.filter(kind__in=FAILURE_KINDS, ip_address=event.ip_address, at__gte=since).count()
    if count >= settings.SECURITY_BURST_THRESHOLD:
        _alert(
            SecurityAlert.Rule.FAILURE_BURST,
            subject=f"ip:{keyed_hash(event.ip_address or '')[:32]}",
            message=(
                f"{count} failed sign-ins or codes from {event.ip_address} "
                f"in the last {settings.SECURITY_BURST_WINDOW_MINUTES} minutes."
            ),
            details={"count": count, "minutes": settings.SECURITY_BURST_WINDOW_MINUTES, "ip_address": event.ip_address},
            window=window,
        )


def is_scheduled_job(task_name: str) -> bool:
    """Whether beat runs this task on a schedule (an enabled django-celery-beat row names it)."""
    from django_celery_beat.models import PeriodicTask

    return bool(task_name) and PeriodicTask.objects.filter(task=task_name, enabled=True).exists()


def alert_job_failed(*, task_name: str, task_id: str, error: str) -> SecurityAlert | None:
    """A scheduled job failed after its retries: alert the security role (once an hour per job).

    Only the exception's type goes in the alert: its text may quote data; the worker's log has the traceback.
    """
    return _alert(
        SecurityAlert.Rule.JOB_FAILED,
        subject=f"task:{task_name}"[:64],
        message=(
            f"The scheduled job {task_name} failed after its retries ({error}). "
            f"See the worker's log for task {task_id}; the job runs again at its next scheduled time."
        ),
        details={"task": task_name, "task_id": task_id, "error": error},
        window=JOB_ALERT_WINDOW,
    )


def _alert(rule: str, *, subject: str, message: str, details: dict, window: timedelta | None) -> SecurityAlert | None:
    """Send one alert per subject per window (every time when `window` is None) to the security role."""
    if (
        window is not None
        and SecurityAlert.objects.filter(rule=rule, subject=subject, at__gte=timezone.now() - window).exists()
    ):
        return None
    alert = SecurityAlert.objects.create(rule=rule, subject=subject, message=message, details=details)
    from privacy.tasks import send_security_alert

    send_security_alert.delay_on_commit(alert.pk)
    return alert


def security_team() -> list[Any]:
    """Active staff in the security role (the people alerts go to)."""
    return list(staff_with_role("security"))
