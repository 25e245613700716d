"""Celery entry points of branding: thin, by id, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from branding.services import notices


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_event(event_id: int) -> None:
    """Email the other side about a step of a branding request."""
    notices.send_event_notice(event_id=event_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_comment(comment_id: int) -> None:
    """Email the other side about a comment on a branding request."""
    notices.send_comment_notice(comment_id=comment_id)
