"""Celery entry points of the privacy domain: thin, idempotent, by id."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from privacy.services import alerts, backups, erasure, exports, incidents, retention


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def build_export(export_id: int) -> str:
    """Build a member's data export and email the link (no-op once built)."""
    return exports.build(export_id=export_id).status


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_export_link(export_id: int) -> int:
    """Email the member the link to their ready export (no-op once sent)."""
    return exports.email_link(export_id=export_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def report_erasure(erasure_id: int) -> int:
    """Email the member the decision on their erasure request (no-op once sent)."""
    return erasure.report(erasure_id=erasure_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_security_alert(alert_id: int) -> int:
    """Email an alert to the security role (no-op once sent)."""
    return alerts.send_alert(alert_id=alert_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_incident(incident_id: int) -> int:
    """Email the incident notice to the affected merchants' owners (no-op once sent)."""
    return incidents.notify_affected(incident_id=incident_id)


@shared_task(acks_late=True)
def purge_expired() -> dict[str, int]:
    """Nightly: delete or anonymise what the personal-data registry says has expired."""
    return retention.purge_expired()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def nightly_backup() -> str:
    """Nightly: write an encrypted backup and keep only the configured number of them."""
    path = backups.write_backup()
    backups.prune_backups(keep=settings.BACKUP_KEEP)
    return path.name
