"""The stalled-shipment sweep also starts the shipping of paid orders whose start was lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from orders import services as order_services
from orders.models import Order
from shipping import services
from shipping.models import Consignee, Shipment
from tests.shipping.helpers import brand_kit, consignee, white_label_order, with_consignees

pytestmark = pytest.mark.django_db


def test_an_order_paid_while_the_broker_was_down_gets_its_shipments_from_the_sweep(settings):
    order, owner = white_label_order(units=3)
    brand_kit(owner)
    with_consignees(order, owner, 3)
    # Paid, but the task that creates the shipments was never published.
    order_services.mark_paid(order=order, source="test")
    assert not Shipment.objects.filter(order=order).exists()

    later = timezone.now() + timedelta(minutes=settings.SHIPPING_STALLED_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        services.requeue_stalled()
        services.requeue_stalled()

    shipments = Shipment.objects.filter(order=order)
    assert shipments.count() == 3, "one shipment per consignee, none twice"
    assert set(shipments.values_list("consignee_id", flat=True)) == set(
        Consignee.objects.filter(order=order).values_list("pk", flat=True)
    )
    assert Order.objects.get(pk=order.pk).status == Order.Status.IN_FULFILMENT


def test_the_sweep_waits_for_a_recent_payment_and_leaves_consignees_added_after_it_to_the_merchant(settings):
    order, owner = white_label_order(units=3)
    brand_kit(owner)
    with_consignees(order, owner, 1)
    order_services.mark_paid(order=order, source="test")
    services.requeue_stalled()
    assert not Shipment.objects.filter(order=order).exists(), "the payment's own task may still be on its way"

    unpaid_before, owner_before = white_label_order(units=2)
    order_services.mark_paid(order=unpaid_before, source="test")
    later = timezone.now() + timedelta(minutes=settings.SHIPPING_STALLED_MINUTES + 1)
    with time_machine.travel(later, tick=False):
        line = unpaid_before.lines.get()
        services.add_consignees(order=unpaid_before, by=owner_before.user, consignees=[consignee(0, line_id=line.pk)])
        services.requeue_stalled()
    assert Shipment.objects.filter(order=order).count() == 1
    assert not Shipment.objects.filter(order=unpaid_before).exists(), "the merchant sends those when ready"
