"""Starting white-label shipping: one shipment per consignee once the order is paid, and their first job."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from merchants.models import User
from orders import services as order_services
from orders.models import Order
from shipping import tasks
from shipping.errors import NotWhiteLabel, OrderNotPaid
from shipping.models import Consignee, Shipment, ShipmentEvent, ShippingPlan
from shipping.services.moves import STARTABLE, enqueue

__all__ = [
    "start_shipping_for_merchant",
    "start_white_label_shipping",
]

S = Shipment.Status


def start_white_label_shipping(*, order: Order, by: User | None = None, source: str = "payment") -> list[Shipment]:
    """Create one shipment per consignee of a paid white-label order and start their jobs.

    Safe to call again (a payment event delivered twice, or consignees added after payment): only
    consignees without a shipment get one. An order delivered to the merchant's own address has none.
    """
    if order.delivery_mode != Order.Delivery.WHITE_LABEL:
        return []
    with transaction.atomic():
        order = order_services.lock_order(order.pk, related=("merchant",))
        if order.status not in STARTABLE:
            raise OrderNotPaid
        consignees = list(Consignee.objects.filter(order=order, shipment__isnull=True).order_by("number"))
        if not consignees:
            return []
        plan, _created = ShippingPlan.objects.get_or_create(order=order)
        if plan.started_at is None:
            plan.started_at = timezone.now()
            plan.save(update_fields=["started_at"])
        shipments = Shipment.objects.bulk_create(
            [
                Shipment(order=order, merchant=order.merchant, consignee=consignee, carrier=settings.SHIPPING_CARRIER)
                for consignee in consignees
            ]
        )
        if any(shipment.pk is None for shipment in shipments):
            shipments = list(Shipment.objects.filter(consignee__in=consignees).order_by("pk"))
        ShipmentEvent.objects.bulk_create(
            [
                ShipmentEvent(shipment=shipment, from_status="", to_status=S.PENDING, by=by, source=source)
                for shipment in shipments
            ]
        )
        if order.status == Order.Status.PAID:
            order_services.start_fulfilment(order=order, by=by, source="shipping")
        enqueue(tasks.prepare_shipment, [shipment.pk for shipment in shipments])
    return shipments


def start_shipping_for_merchant(*, order: Order, by: User) -> list[Shipment]:
    """The merchant sends a paid order's consignees to the warehouse (when they were added after payment)."""
    if order.delivery_mode != Order.Delivery.WHITE_LABEL:
        raise NotWhiteLabel
    return start_white_label_shipping(order=order, by=by, source="portal")
