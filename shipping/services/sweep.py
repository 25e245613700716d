"""The scheduled sweep: what a broker outage, a restart or a purge lost is published (or started) again."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from orders.models import Order, OrderEvent
from shipping import tasks
from shipping.errors import OrderNotPaid
from shipping.models import Consignee, Shipment, ShippingPlan
from shipping.services.moves import ACTIVE, BOOKED, enqueue
from shipping.services.start import start_white_label_shipping

__all__ = [
    "requeue_stalled",
    "start_unshipped_orders",
]

logger = logging.getLogger(__name__)
S = Shipment.Status


def requeue_stalled(*, older_than: timedelta | None = None) -> int:
    """Scheduled: publish again the jobs of shipments that have not moved for a while (lost to a broker
    outage, a restart, a purge), and the merchant's notice of orders whose parcels all settled without it.
    The jobs are idempotent, so a shipment that was merely slow is safe. Returns how many were published."""
    older_than = settings.SHIPPING_STALLED_MINUTES * timedelta(minutes=1) if older_than is None else older_than
    cutoff = timezone.now() - older_than
    stalled = Shipment.objects.filter(updated_at__lte=cutoff).filter(Q(retry_at__isnull=True) | Q(retry_at__lte=cutoff))
    jobs: list[tuple[Any, QuerySet[Shipment]]] = [
        (tasks.prepare_shipment, stalled.filter(status=S.PENDING)),
        (tasks.book_shipment, stalled.filter(status=S.PREPARING)),
        (tasks.notify_shipment, stalled.filter(status__in=BOOKED, notified_at__isnull=True)),
    ]
    published = start_unshipped_orders(cutoff=cutoff)
    with transaction.atomic():
        for task, rows in jobs:
            ids = list(rows.order_by("pk").values_list("pk", flat=True))
            # Marked as just published: if the broker is still down, the next sweep after `older_than` retries.
            Shipment.objects.filter(pk__in=ids).update(updated_at=timezone.now())
            enqueue(task, ids)
            published += len(ids)
        unsent = (
            ShippingPlan.objects.filter(started_at__lte=cutoff, merchant_notified_at__isnull=True)
            .exclude(order__shipments__in=_unsettled_anywhere())
            .values_list("order_id", flat=True)
        )
        enqueue(tasks.notify_merchant, list(unsent))
    return published


def _unsettled_anywhere() -> QuerySet[Shipment]:
    return Shipment.objects.filter(Q(status__in=ACTIVE) | Q(status__in=BOOKED, notified_at__isnull=True))


def unshipped_orders(*, cutoff: datetime) -> QuerySet[Order]:
    """Paid white-label orders whose shipping should have started before `cutoff` but some consignee has no
    shipment: the payment's task was lost (broker down), or a worker died before creating the rows.

    A paid order only counts for consignees that existed when it was paid (later ones wait for the merchant
    to send them to the warehouse); an order in fulfilment counts for any consignee left without a shipment.
    """
    paid_at = OrderEvent.objects.filter(order=OuterRef("pk"), status=Order.Status.PAID).order_by("-at").values("at")
    waiting = Consignee.objects.filter(order=OuterRef("pk"), shipment__isnull=True)
    waiting_since_payment = waiting.filter(created_at__lte=OuterRef("paid_at"))
    return (
        Order.objects.filter(delivery_mode=Order.Delivery.WHITE_LABEL)
        .annotate(paid_at=Subquery(paid_at[:1]))
        .filter(paid_at__lte=cutoff)
        .filter(
            Q(Exists(waiting_since_payment), status=Order.Status.PAID)
            | Q(Exists(waiting), status=Order.Status.IN_FULFILMENT)
        )
    )


def start_unshipped_orders(*, cutoff: datetime) -> int:
    """Create the missing shipments of `unshipped_orders` (idempotent) and return how many were created."""
    started = 0
    for order in unshipped_orders(cutoff=cutoff).order_by("pk"):
        try:
            started += len(start_white_label_shipping(order=order, source="sweep"))
        except OrderNotPaid:  # cancelled or refunded since the query
            continue
    if started:
        logger.warning("shipments created by the sweep after a lost start", extra={"shipments": started})
    return started
