"""Celery entry points of the orders domain: thin, idempotent, by id."""

from celery import shared_task

from orders import services
from orders.models import Invoice


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def issue_proforma_invoice(order_id: int) -> str:
    """Issue the order's pro-forma invoice (no-op if already issued)."""
    return services.issue_invoice(order_id=order_id, kind=Invoice.Kind.PROFORMA).number


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def issue_tax_invoice(order_id: int) -> str:
    """Issue the order's tax invoice (no-op if already issued)."""
    return services.issue_invoice(order_id=order_id, kind=Invoice.Kind.TAX).number


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def refresh_exchange_rates() -> int:
    """Scheduled: add today's rates from the configured source (does nothing when none is set)."""
    return len(services.refresh_rates())
