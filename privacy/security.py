"""Security alert rules: what the security role hears of.

Security events are recorded by `audit.security.record_event`; `PrivacyConfig.ready()` registers
`run_alert_rules` with `audit.security.on_event`, so the rules run after every event: a burst of failures
from one address, or a staff sign-in from a new address, emails the security role. A scheduled job that
fails for good alerts them too (`alert_job_failed`, from Celery's task_failure signal).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from audit.crypto import keyed_hash
from audit.models import SecurityEvent
from privacy import tasks
from privacy.models import SecurityAlert

Kind = SecurityEvent.Kind

FAILURE_KINDS = (Kind.LOGIN_FAILED, Kind.CODE_FAILED)
#: one alert per failing scheduled job per hour (a job beat runs every few minutes must not flood the team)
JOB_ALERT_WINDOW = timedelta(hours=1)


def run_alert_rules(event: SecurityEvent) -> None:
    """The alert rules, after each security event (an `audit.security.on_event` callback)."""
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
    tasks.send_security_alert.delay_on_commit(alert.pk)
    return alert
