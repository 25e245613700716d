"""An order paid in the orders admin starts its white-label shipments at once, as a webhook or a transfer does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.models import Order
from shipping.models import Shipment
from tests.shipping.helpers import brand_kit, white_label_order, with_consignees

pytestmark = pytest.mark.django_db


def test_staff_marking_a_white_label_order_paid_in_the_orders_admin_start_its_shipments_on_commit(
    courier, staff_client, django_capture_on_commit_callbacks
):
    order, owner = white_label_order(units=2)
    brand_kit(owner)
    with_consignees(order, owner, 2)
    client = staff_client("finance")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:orders_order_status", args=[order.pk]), {"status": "paid", "reason": "Paid at the desk"}
        )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.IN_FULFILMENT, "the shipments started, not only the sweep's later run"
    assert Shipment.objects.filter(order=order).count() == 2
    assert order.events.get(status="paid").note == "Paid at the desk"
    assert order.invoices.filter(kind="tax").exists()


def test_marking_an_order_paid_enqueues_nothing_before_commit(courier, staff_client):
    order, owner = white_label_order(units=1)
    brand_kit(owner)
    with_consignees(order, owner, 1)

    staff_client("finance").post(
        reverse("admin:orders_order_status", args=[order.pk]), {"status": "paid", "reason": "Paid"}
    )

    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert not Shipment.objects.filter(order=order).exists(), "the hooks run once the payment is committed"
