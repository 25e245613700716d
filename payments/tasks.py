"""Celery entry points of payments: thin, idempotent, by id."""

from celery import shared_task

from payments import services
from payments.errors import ProviderUnavailable


@shared_task(
    acks_late=True,
    autoretry_for=(ProviderUnavailable,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
    not_enqueued="provider event not enqueued (left for the sweep)",
)
def process_provider_event(event_id: int) -> str:
    """Apply a stored provider event (no-op once processed)."""
    return services.process_event(event_id=event_id)


@shared_task(acks_late=True)
def sweep_provider_events() -> int:
    """Scheduled: enqueue again the stored provider events still unprocessed after a few minutes."""
    return services.sweep_unprocessed_events()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_payment_notice(action_id: int) -> int:
    """Email the merchant about a bank-transfer history entry (sent once)."""
    return services.send_notice(action_id=action_id)


@shared_task(acks_late=True)
def remind_bank_transfers() -> int:
    """Scheduled: remind merchants whose bank transfer has not arrived after the reminder delay."""
    return services.send_reminders()


@shared_task(acks_late=True)
def expire_bank_transfers() -> int:
    """Scheduled: cancel orders whose bank transfer never arrived by the deadline."""
    return services.expire_transfers()
