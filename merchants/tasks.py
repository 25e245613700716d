"""Celery entry points of merchants: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from merchants import emails


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_application_event(event_id: int) -> int:
    """Email the applicant about a step of their application (no-op once sent)."""
    return emails.send_application_notice(event_id=event_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(invitation_id: int) -> int:
    """Email an invitation's link to the invited address (no-op once sent)."""
    return emails.send_invitation(invitation_id=invitation_id)
