"""Finance keeps rates and minimums as history in the admin; every order shows its decision."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders import services
from orders.models import ExchangeRate, Order
from tests.factories import MembershipFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_finance_adds_a_rate_but_cannot_rewrite_history(staff_client):
    client = staff_client("finance")
    response = client.post(
        reverse("admin:orders_exchangerate_add"),
        {
            "currency": "EUR",
            "rate_to_sar": "4.0512",
            "source": "finance",
            "effective_at_0": "2026-11-25",
            "effective_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    rate = ExchangeRate.objects.get(currency="EUR")
    assert rate.entered_by == client.staff_user
    change = client.post(reverse("admin:orders_exchangerate_change", args=[rate.pk]), {"rate_to_sar": "9"})
    assert change.status_code == 403
    assert client.post(reverse("admin:orders_exchangerate_delete", args=[rate.pk]), {"post": "yes"}).status_code == 403


def test_the_order_page_shows_the_minimum_decision_and_rate(staff_client):
    member = MembershipFactory(merchant__currency="USD", merchant__country="US")
    order = services.place_order(
        merchant=member.merchant, placed_by=member.user, items=[(ProductFactory(unit_price_sar=Decimal("6000")), 1)]
    )
    page = staff_client("finance").get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    for shown in ("1600.00", "3.75", "peg", "First order", "5000.00", "1333.33"):
        assert shown in page


def test_designers_see_no_orders(staff_client):
    assert staff_client("designer").get(reverse("admin:orders_order_changelist")).status_code == 403


def test_finance_changes_a_status_with_a_reason_and_paying_issues_the_tax_invoice(
    staff_client, django_capture_on_commit_callbacks
):
    member = MembershipFactory()
    order = services.place_order(
        merchant=member.merchant, placed_by=member.user, items=[(ProductFactory(unit_price_sar=Decimal("6000")), 1)]
    )
    client = staff_client("finance")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:orders_order_status", args=[order.pk]),
            {"status": "paid", "reason": "Transfer received on 24 Nov"},
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "paid"
    event = order.events.get(status="paid")
    assert (event.by, event.note) == (client.staff_user, "Transfer received on 24 Nov")
    assert order.invoices.filter(kind="tax").exists()
    refused = client.post(reverse("admin:orders_order_status", args=[order.pk]), {"status": "cancelled", "reason": "x"})
    assert refused.status_code == 200  # not a move the table allows from paid
    order.refresh_from_db()
    assert order.status == "paid"


def test_fulfilment_raises_an_exempt_replacement_that_does_not_count(staff_client):
    member = MembershipFactory()
    product = ProductFactory(sku="ARG-1", unit_price_sar=Decimal("6000"))
    order = services.move(
        order=services.place_order(merchant=member.merchant, placed_by=member.user, items=[(product, 1)]),
        to="paid",
    )
    client = staff_client("fulfilment")
    response = client.post(
        reverse("admin:orders_order_replacement", args=[order.pk]), {"lines": "ARG-1, 1", "reason": "Broken in transit"}
    )
    assert response.status_code == 302
    replacement = Order.objects.get(replaces=order)
    assert (replacement.is_replacement, replacement.minimum_kind, replacement.status) == (True, "exempt", "paid")
    assert "Broken in transit" in replacement.events.get(status="paid").note
    assert (
        staff_client("designer", email="d@store.test")
        .post(reverse("admin:orders_order_replacement", args=[order.pk]), {"lines": "ARG-1, 1", "reason": "x"})
        .status_code
        == 403
    )
