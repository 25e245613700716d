"""Incoming provider events: verified, stored once by their id, processed once by a Celery job.

The webhook view only verifies, stores and enqueues (`receive_event`). The job (`process_event`) locks the
event, then the attempt it is about, reads the payment again from the provider, and records what it says.
A duplicate delivery finds the event already stored; a second run of the job finds it processed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from payments.errors import InvalidEvent
from payments.models import PaymentAttempt, ProviderEvent
from payments.providers import get_provider, is_configured
from payments.providers.base import IncomingEvent
from payments.services.records import apply_state, lock_attempt

logger = logging.getLogger(__name__)


def verify_event(*, provider: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> IncomingEvent:
    """Check an incoming event's signature or token; `InvalidEvent` for anything that does not verify."""
    if not is_configured(provider):
        raise InvalidEvent
    return get_provider(provider).verify_event(body=body, headers=headers, query=query)


def record_invalid_event(*, provider: str, request: Any) -> None:
    """A forged, stale or malformed event: a security event, and nothing else written."""
    try:
        from privacy.security import record_event
    except ImportError:  # the privacy app is optional for payments
        logger.warning("invalid provider event", extra={"provider": provider})
        return
    record_event("webhook_invalid", request, provider=provider)


def receive_event(*, provider: str, incoming: IncomingEvent) -> tuple[ProviderEvent, bool]:
    """Store a verified event once (unique by provider and id); its job is enqueued when this commits."""
    from payments.tasks import process_provider_event

    with transaction.atomic():
        event, created = ProviderEvent.objects.get_or_create(
            provider=provider,
            event_id=incoming.event_id[:200],
            defaults={"type": incoming.type[:80], "object_id": incoming.object_id[:120], "payload": incoming.payload},
        )
        if created:
            process_provider_event.delay_on_commit(event.pk)
    return event, created


def process_event(*, event_id: int) -> str:
    """Apply one stored event: re-read its payment from the provider under the attempt's row lock (once)."""
    with transaction.atomic():
        event = ProviderEvent.objects.select_for_update().get(pk=event_id)
        if event.processed_at is not None:
            return event.outcome
        attempt = None
        if event.object_id:
            attempt = PaymentAttempt.objects.filter(provider=event.provider, provider_reference=event.object_id).first()
        if attempt is None:
            event.outcome, event.note = ProviderEvent.Outcome.IGNORED, "no payment of ours"
        else:
            attempt = lock_attempt(attempt.pk)
            state = get_provider(event.provider).handle_event(attempt=attempt)
            event.attempt = attempt
            event.outcome = apply_state(attempt=attempt, state=state, source=event.provider, event=event)
        event.processed_at = timezone.now()
        event.save(update_fields=["attempt", "outcome", "note", "processed_at"])
    return event.outcome


def poke_invoice(*, invoice_id: str) -> str:
    """The gateway's invoice callback named an invoice: if ours, read it again (at most once per 10 s per invoice)."""
    attempt = PaymentAttempt.objects.filter(provider="moyasar", provider_reference=invoice_id).first()
    if attempt is None:
        return ProviderEvent.Outcome.IGNORED
    incoming = IncomingEvent(
        event_id=f"invoice:{invoice_id}:{int(timezone.now().timestamp()) // 10}",
        type="invoice_callback",
        object_id=invoice_id,
    )
    event, _created = receive_event(provider="moyasar", incoming=incoming)
    return event.outcome
