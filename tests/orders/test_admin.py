"""Finance keeps rates and minimums as history in the admin; every order shows its decision."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders import services
from orders.models import ExchangeRate
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
