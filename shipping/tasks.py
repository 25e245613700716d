"""Celery entry points of white-label shipping: thin, by id, safe to run twice (see services.jobs).

Every shipping task goes to the queue Celery routing gives `shipping.tasks.*` (SHIPPING_QUEUE if set, see
`portal.routing`), and is enqueued with `delay_on_commit`.
"""

from __future__ import annotations

from celery import Task, current_app, shared_task
from django.conf import settings

from orders.models import Order
from shipping import services
from shipping.carriers import CarrierUnavailable


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def prepare_shipment(shipment_id: int) -> str:
    """Job 1: render the packing slip from the brand kit, through the leak guard."""
    return services.prepare_shipment(shipment_id=shipment_id)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def book_shipment(self: Task, shipment_id: int) -> str:
    """Job 2: book the carrier (once, by idempotency key); transient errors retry with backoff and jitter."""
    try:
        return services.book_shipment(shipment_id=shipment_id)
    except CarrierUnavailable as exc:
        attempt = self.request.retries + 1
        if attempt >= settings.SHIPPING_MAX_ATTEMPTS:
            return services.give_up(shipment_id=shipment_id, error=exc)
        delay = services.backoff_delay(attempt)
        services.note_transient_error(shipment_id=shipment_id, error=exc, attempt=attempt, retry_in=delay)
        raise self.retry(exc=exc, countdown=delay) from exc


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_shipment(shipment_id: int) -> str:
    """Job 3: the consignee's notice (if chosen), then the merchant's once every parcel is settled."""
    return services.notify_shipment(shipment_id=shipment_id)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_merchant(order_id: int) -> int:
    """The merchant's notice that the order's parcels are booked (and which failed), once they all settled."""
    return services.notify_merchant_when_settled(order_id=order_id)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_tracking(order_id: int) -> int:
    """The merchant's notice with every in-house parcel's tracking number, once."""
    return services.notify_tracking_numbers(order_id=order_id)


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def alert_fulfilment(shipment_id: int, withheld: bool = False) -> None:
    """Fulfilment staff's alert: a failed shipment, or a consignee notice the leak guard withheld."""
    services.send_fulfilment_alert(shipment_id=shipment_id, withheld=withheld)


@shared_task(acks_late=True, ignore_result=True)
def publish_each(task_name: str, ids: list[int]) -> int:
    """Publish one shipping job per id: a batch (a thousand consignees) is one message on commit, and its jobs
    fan out here; a job lost on the way is published again by the stalled-shipment sweep."""
    if not task_name.startswith("shipping.tasks."):
        raise ValueError(task_name)
    task = current_app.tasks[task_name]
    for pk in ids:
        task.delay_on_commit(pk)
    return len(ids)


@shared_task(acks_late=True, ignore_result=True)
def pull_tracking() -> int:
    """Scheduled: pull tracking updates from the carriers that give them."""
    return services.pull_tracking()


@shared_task(acks_late=True, ignore_result=True)
def requeue_stalled_shipments() -> int:
    """Scheduled: publish again the jobs of shipments that stopped moving (e.g. after a broker outage)."""
    return services.requeue_stalled()


@shared_task(acks_late=True)
def start_white_label_shipping(order_id: int) -> int:
    """A paid white-label order: create its shipments (the shipping service does nothing twice)."""
    try:
        return len(services.start_white_label_shipping(order=Order.objects.get(pk=order_id), source="payment"))
    except services.OrderNotPaid:  # refunded or cancelled in the meantime: nothing to ship
        return 0


def start_shipping_when_paid(order: Order) -> None:
    """Shipping's after-paid hook (orders.extensions): a white-label order's shipments start on commit."""
    if order.delivery_mode == Order.Delivery.WHITE_LABEL:
        start_white_label_shipping.delay_on_commit(order.pk)
