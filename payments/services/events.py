"""Incoming provider events: verified, stored once by their id, processed once by a Celery job.

The webhook view only verifies, stores and enqueues (`receive_event`). The job (`process_event`) locks the
event, then the attempt it is about, reads the payment again from the provider, and records what it says.
A duplicate delivery finds the event already stored; a second run of the job finds it processed.

Exactly once: an event stored but never processed (its enqueue lost, or its job out of retries) is enqueued
again by the provider's re-delivery and by a scheduled sweep (`sweep_unprocessed_events`); the job's row lock
and its `processed_at` check make every extra run a no-op.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from audit.security import record_event
from payments import tasks
from payments.errors import InvalidEvent, MalformedEvent
from payments.models import PaymentAttempt, ProviderEvent
from payments.providers import get_provider, is_configured
from payments.providers.base import IncomingEvent
from payments.providers.moyasar import MoyasarProvider
from payments.services.records import apply_state, lock_for_recording, read_state_for_order
from portal.state import lock as state_lock

logger = logging.getLogger(__name__)

#: an event still unprocessed this long after it was stored lost its job: the sweep enqueues it again
SWEEP_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500


def verify_event(*, provider: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]) -> IncomingEvent:
    """Check an incoming event's signature or token; `InvalidEvent` for anything that does not verify."""
    if not is_configured(provider):
        raise InvalidEvent
    incoming = get_provider(provider).verify_event(body=body, headers=headers, query=query)
    # PostgreSQL cannot store a NUL character in text or JSON: refuse the event rather than fail on saving it.
    texts = (incoming.event_id, incoming.type, incoming.object_id, json.dumps(incoming.payload))
    if not incoming.event_id or any("\x00" in text or "\\u0000" in text for text in texts):
        raise MalformedEvent
    return incoming


def record_invalid_event(*, provider: str, request: Any) -> None:
    """A forged, stale or malformed event: a security event, and nothing else written."""
    record_event("webhook_invalid", request, provider=provider)


def receive_event(*, provider: str, incoming: IncomingEvent) -> tuple[ProviderEvent, bool]:
    """Store a verified event once (unique by provider and id); its job is enqueued when this commits."""
    with transaction.atomic():
        event, created = ProviderEvent.objects.get_or_create(
            provider=provider,
            event_id=incoming.event_id[:200],
            defaults={"type": incoming.type[:80], "object_id": incoming.object_id[:120], "payload": incoming.payload},
        )
        if created or event.processed_at is None:
            # A re-delivery of an event we never processed enqueues it again (its job does nothing twice).
            enqueue_event(event.pk)
    return event, created


def enqueue_event(event_id: int) -> None:
    """Enqueue an event's job once the transaction commits; if the broker refuses, the failure is logged (never
    raised to the provider's request), the event stays stored and unprocessed, and the sweep enqueues it again."""
    tasks.process_provider_event.delay_on_commit(event_id)


def sweep_unprocessed_events(*, now: datetime | None = None) -> int:
    """Enqueue again the events stored more than `SWEEP_AFTER` ago and still unprocessed (oldest first)."""
    now = now or timezone.now()
    stale = list(
        ProviderEvent.objects.filter(processed_at__isnull=True, received_at__lte=now - SWEEP_AFTER)
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for pk in stale:
        enqueue_event(pk)
    if stale:
        logger.warning("unprocessed provider events enqueued again", extra={"count": len(stale)})
    return len(stale)


def process_event(*, event_id: int) -> str:
    """Apply one stored event, once: read its payment from the provider with no lock held, then lock the event,
    the order and the attempt, and record what the provider said (a second run finds the event processed)."""
    event = ProviderEvent.objects.get(pk=event_id)
    if event.processed_at is not None:
        return event.outcome
    attempt = None
    if event.object_id:
        attempt = PaymentAttempt.objects.filter(provider=event.provider, provider_reference=event.object_id).first()
    state = read_state_for_order(attempt=attempt, source=event.provider) if attempt is not None else None
    with transaction.atomic():
        event = state_lock(ProviderEvent, event_id)
        if event.processed_at is not None:  # another run recorded it while we were reading
            return event.outcome
        if attempt is None or state is None:
            event.outcome, event.note = ProviderEvent.Outcome.IGNORED, "no payment of ours"
        else:
            attempt = lock_for_recording(attempt.pk)
            event.attempt = attempt
            event.outcome = apply_state(attempt=attempt, state=state, source=event.provider, event=event)
        event.processed_at = timezone.now()
        event.save(update_fields=["attempt", "outcome", "note", "processed_at"])
    return event.outcome


def verify_invoice_callback(*, body: bytes) -> str:
    """The invoice id the gateway's invoice callback names (`InvalidEvent` if unreadable); it proves nothing else."""
    return cast(MoyasarProvider, get_provider("moyasar")).verify_invoice_callback(body=body)


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
