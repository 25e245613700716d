"""Celery entry points of white-label shipping: thin, by id, safe to run twice (see services.shipments)."""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings

from orders.models import Order
from shipping.carriers import CarrierUnavailable


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def prepare_shipment(shipment_id: int) -> str:
    """Job 1: render the packing slip from the brand kit, through the leak guard."""
    from shipping.services import prepare_shipment as prepare

    return prepare(shipment_id=shipment_id)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def book_shipment(self: Task, shipment_id: int) -> str:
    """Job 2: book the carrier (once, by idempotency key); transient errors retry with backoff and jitter."""
    from shipping import services

    try:
        return services.book_shipment(shipment_id=shipment_id)
    except CarrierUnavailable as exc:
        attempt = self.request.retries + 1
        if attempt >= settings.SHIPPING_MAX_ATTEMPTS:
            return services.give_up(shipment_id=shipment_id, error=exc)
        delay = services.backoff_delay(attempt)
        services.note_transient_error(shipment_id=shipment_id, error=exc, attempt=attempt, retry_in=delay)
        raise self.retry(exc=exc, countdown=delay, **services.queue_options()) from exc


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_shipment(shipment_id: int) -> str:
    """Job 3: the consignee's notice (if chosen), then the merchant's once every parcel is settled."""
    from shipping.services import notify_shipment as notify

    return notify(shipment_id=shipment_id)


@shared_task(acks_late=True, ignore_result=True)
def pull_tracking() -> int:
    """Scheduled: pull tracking updates from the carriers that give them."""
    from shipping.services import pull_tracking as pull

    return pull()


@shared_task(acks_late=True, ignore_result=True)
def requeue_stalled_shipments() -> int:
    """Scheduled: publish again the jobs of shipments that stopped moving (e.g. after a broker outage)."""
    from shipping.services import requeue_stalled

    return requeue_stalled()


@shared_task(acks_late=True)
def start_white_label_shipping(order_id: int) -> int:
    """A paid white-label order: create its shipments (the shipping service does nothing twice)."""
    from shipping import services

    try:
        return len(services.start_white_label_shipping(order=Order.objects.get(pk=order_id), source="payment"))
    except services.OrderNotPaid:  # refunded or cancelled in the meantime: nothing to ship
        return 0


def start_shipping_when_paid(order: Order) -> None:
    """Shipping's after-paid hook (orders.extensions): a white-label order's shipments start on commit."""
    if order.delivery_mode == Order.Delivery.WHITE_LABEL:
        start_white_label_shipping.delay_on_commit(order.pk)
