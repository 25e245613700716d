"""Reads of white-label shipping: every merchant read starts from the merchant."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from merchants.models import Merchant
from orders.models import Order
from shipping.models import Consignee, ConsigneeItem, Shipment, ShippingPlan


def white_label_orders(*, merchant: Merchant) -> QuerySet[Order]:
    """The merchant's orders that ship to consignees."""
    return Order.objects.filter(merchant=merchant, delivery_mode=Order.Delivery.WHITE_LABEL)


def consignees_of(*, order: Order) -> QuerySet[Consignee]:
    """An order's consignees with their items and shipment, in entry order (one query each, not per row)."""
    return (
        Consignee.objects.filter(order=order)
        .select_related("shipment")
        .prefetch_related(Prefetch("items", queryset=ConsigneeItem.objects.select_related("line")))
        .order_by("number")
    )


def shipments_for(*, merchant: Merchant, status: str | None = None) -> QuerySet[Shipment]:
    """The merchant's shipments, newest first."""
    shipments = (
        Shipment.objects.filter(merchant=merchant).select_related("order", "consignee").order_by("-created_at", "-pk")
    )
    return shipments.filter(status=status) if status else shipments


def shipments_of(*, order: Order) -> QuerySet[Shipment]:
    """An order's shipments in consignee order."""
    return Shipment.objects.filter(order=order).select_related("consignee").order_by("consignee__number")


def slips_of(*, order: Order) -> QuerySet[Shipment]:
    """The shipments of an order that have a packing slip, for the warehouse's merged PDF."""
    return shipments_of(order=order).exclude(slip="")


def latest_white_label_orders(*, merchant: Merchant, count: int = 10) -> list[Order]:
    """The merchant's latest white-label orders, each with its number of consignees (`consignee_count`)."""
    return list(
        white_label_orders(merchant=merchant)
        .annotate(consignee_count=Count("consignees"))
        .order_by("-placed_at")[:count]
    )


def plan_of(*, order: Order) -> ShippingPlan | None:
    """The order's shipping plan (whether consignees are notified), if one was saved."""
    return ShippingPlan.objects.filter(order=order).first()
