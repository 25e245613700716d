"""In a real browser: a first order below the minimum is refused with the shortfall, then placed."""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress

from orders.models import Order
from tests.factories import PASSWORD, MembershipFactory
from tests.orders.factories import ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_first_order_below_then_above_the_minimum(live_server, page):
    buyer = MembershipFactory(role="buyer", merchant__currency="USD", merchant__country="US")
    EmailAddress.objects.create(user=buyer.user, email=buyer.user.email, verified=True, primary=True)
    ProductFactory(sku="ARG-COS-050", name_en="Cosmetic argan oil 50 ml", unit_price_sar=Decimal("3760.00"))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", buyer.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(f"{live_server.url}/portal/catalogue/")
    page.fill("input[name=q]", "argan")
    page.click("form.filters button")
    page.click("text=Cosmetic argan oil 50 ml")
    page.fill("input[name=quantity]", "1")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "1,240.00 SAR to go before your first order can be placed" in page.inner_text(".minimum")
    assert "about 330.67 USD" in page.inner_text(".minimum")

    with page.expect_navigation():
        page.click("form.checkout button[type=submit]")
    assert "The minimum for a first order is 1,333.33 USD (5,000.00 SAR)" in page.inner_text(".messages")
    assert Order.objects.count() == 0

    page.fill("textarea[name=lines]", "ARG-COS-050, 1")
    with page.expect_navigation():
        page.click("form:has(textarea[name=lines]) button[type=submit]")
    assert "reaches the minimum" in page.inner_text(".minimum")
    with page.expect_navigation():
        page.click("form.checkout button[type=submit]")
    order = Order.objects.get()
    assert f"Order {order.reference}" in page.inner_text("h1")
    assert order.subtotal_sar == Decimal("7520.00")
