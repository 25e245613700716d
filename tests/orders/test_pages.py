"""The merchant's catalogue, cart, checkout and order pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import CartLine, ExchangeRate, Order
from tests.concurrency import run_together
from tests.factories import MembershipFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(client):
    membership = MembershipFactory(role="buyer", merchant__currency="USD", merchant__country="US")
    client.force_login(membership.user)
    return membership


def test_catalogue_shows_prices_in_the_merchant_currency_and_searches(client, buyer):
    ProductFactory(sku="ARG-1", name_en="Pure argan", unit_price_sar=Decimal("375.00"))
    ProductFactory(sku="SOAP-1", name_en="Black soap", unit_price_sar=Decimal("37.50"))
    page = client.get(reverse("orders:catalogue")).content.decode()
    assert "100.00 USD" in page
    assert "10.00 USD" in page
    found = client.get(reverse("orders:catalogue"), {"q": "soap"}).content.decode()
    assert "Black soap" in found
    assert "Pure argan" not in found


def test_the_cart_shows_the_way_to_the_first_order_minimum_in_sar_and_the_merchant_currency(client, buyer):
    product = ProductFactory(sku="ARG-1", unit_price_sar=Decimal("3760.00"))
    client.post(reverse("orders:cart_add", args=["ARG-1"]), {"quantity": 1})
    page = client.get(reverse("orders:cart")).content.decode()
    # 5,000 - 3,760 = 1,240 SAR, about 330.67 USD (1,240 / 3.75 = 330.666..., rounded up).
    assert "1,240.00 SAR to go before your first order can be placed" in page
    assert "about 330.67 USD at today" in page
    assert CartLine.objects.get().product == product


def test_checkout_below_the_minimum_is_refused_with_both_currencies_then_accepted(client, buyer):
    ProductFactory(sku="ARG-1", unit_price_sar=Decimal("3760.00"))
    client.post(reverse("orders:cart_add", args=["ARG-1"]), {"quantity": 1})
    refused = client.post(reverse("orders:checkout"), {"delivery_mode": "own_address"}, follow=True)
    text = refused.content.decode()
    assert "1,333.33 USD" in text
    assert "5,000.00 SAR" in text
    assert not Order.objects.exists()
    client.post(reverse("orders:cart_quick"), {"lines": "ARG-1, 1"})
    placed = client.post(reverse("orders:checkout"), {"delivery_mode": "white_label"})
    order = Order.objects.get()
    assert placed["Location"] == reverse("orders:order", args=[order.reference])
    assert (order.delivery_mode, order.subtotal) == ("white_label", Decimal("2005.34"))
    assert not CartLine.objects.exists()


def test_quick_order_and_csv_report_every_bad_line_by_number_and_keep_the_good_ones(client, buyer):
    ProductFactory(sku="ARG-1", min_quantity=2, quantity_step=2)
    ProductFactory(sku="SOAP-1")
    csv = "sku,quantity\nARG-1,4\nNOPE-9,1\nSOAP-1,many\nARG-1,3\n\nSOAP-1,5\n"
    response = client.post(
        reverse("orders:cart_upload"),
        {"file": SimpleUploadedFile("cart.csv", csv.encode(), content_type="text/csv")},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "2 line(s) added to your cart." in messages
    assert any(m.startswith("Line 3:") and "NOPE-9" in m for m in messages)
    assert any(m.startswith("Line 4:") and "many" in m for m in messages)
    assert any(m.startswith("Line 5:") and "steps of 2" in m for m in messages)
    assert dict(CartLine.objects.values_list("product__sku", "quantity")) == {"ARG-1": 4, "SOAP-1": 5}


def test_orders_list_filters_and_shows_history_cancel_and_reorder(client, buyer):
    product = ProductFactory(sku="ARG-1", unit_price_sar=Decimal("6000"))
    first = services.place_order(merchant=buyer.merchant, placed_by=buyer.user, items=[(product, 1)])
    second = services.place_order(merchant=buyer.merchant, placed_by=buyer.user, items=[(product, 1)])
    client.post(reverse("orders:order_cancel", args=[first.reference]))
    first.refresh_from_db()
    assert first.status == "cancelled"
    listing = client.get(reverse("orders:orders"), {"status": "cancelled"}).content.decode()
    assert first.reference in listing
    assert second.reference not in listing
    detail = client.get(reverse("orders:order", args=[first.reference])).content.decode()
    assert "Cancelled by the merchant" in detail
    client.post(reverse("orders:order_reorder", args=[second.reference]))
    assert CartLine.objects.get().quantity == 1


def test_a_stale_rate_is_said_on_the_cart_instead_of_pricing_silently(client, settings):
    settings.EXCHANGE_RATE_MAX_AGE_HOURS = 1
    membership = MembershipFactory(merchant__currency="EUR", merchant__country="FR")
    ExchangeRate.objects.create(
        currency="EUR",
        rate_to_sar=Decimal("4.05"),
        source="finance",
        effective_at=timezone.now() - timezone.timedelta(hours=3),
    )
    client.force_login(membership.user)
    page = client.get(reverse("orders:cart")).content.decode()
    assert "out of date" in page


def test_viewers_browse_but_cannot_order(client):
    viewer = MembershipFactory(role="viewer")
    ProductFactory(sku="ARG-1")
    client.force_login(viewer.user)
    assert client.get(reverse("orders:catalogue")).status_code == 200
    assert client.post(reverse("orders:cart_add", args=["ARG-1"]), {"quantity": 1}).status_code == 403
    assert client.post(reverse("orders:checkout"), {"delivery_mode": "own_address"}).status_code == 403


def test_another_merchants_orders_and_cart_lines_are_404(client, buyer):
    other = MembershipFactory(role="owner")
    product = ProductFactory(sku="ARG-1", unit_price_sar=Decimal("6000"))
    order = services.place_order(merchant=other.merchant, placed_by=other.user, items=[(product, 1)])
    services.set_quantity(cart=services.cart_for(merchant=other.merchant, user=other.user), product=product, quantity=1)
    for name in ("orders:order", "orders:order_cancel", "orders:order_reorder"):
        method = client.get if name == "orders:order" else client.post
        assert method(reverse(name, args=[order.reference])).status_code == 404
    assert client.post(reverse("orders:cart_set", args=[product.pk]), {"quantity": 5}).status_code == 404
    order.refresh_from_db()
    assert order.status == "awaiting_payment"


def test_list_pages_run_the_same_number_of_queries_for_5_and_500_items(client, buyer):
    def fill(count: int) -> None:
        products = [ProductFactory(unit_price_sar=Decimal("6000")) for _ in range(count)]
        cart = services.cart_for(merchant=buyer.merchant, user=buyer.user)
        CartLine.objects.bulk_create([CartLine(cart=cart, product=p, quantity=1) for p in products])
        for _ in range(count):
            services.place_order(merchant=buyer.merchant, placed_by=buyer.user, items=[(products[0], 1)])

    def count_queries() -> dict[str, int]:
        counts = {}
        for name in ("orders:catalogue", "orders:cart", "orders:orders"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(name)).status_code == 200
            counts[name] = len(captured.captured_queries)
        return counts

    fill(5)
    count_queries()  # the session's first requests may write to it; measure the steady state
    small = count_queries()
    fill(495)
    assert count_queries() == small
    assert CartLine.objects.count() == 500
    assert Order.objects.count() == 500


def test_the_order_list_filters_by_reference_and_period(client, buyer):
    product = ProductFactory(unit_price_sar=Decimal("6000"))
    old = services.place_order(
        merchant=buyer.merchant,
        placed_by=buyer.user,
        items=[(product, 1)],
        at=timezone.now() - timezone.timedelta(days=40),
    )
    recent = services.place_order(merchant=buyer.merchant, placed_by=buyer.user, items=[(product, 1)])
    by_reference = client.get(reverse("orders:orders"), {"reference": old.reference[-6:]}).content.decode()
    assert old.reference in by_reference
    assert recent.reference not in by_reference
    since = (timezone.now() - timezone.timedelta(days=7)).date().isoformat()
    by_period = client.get(reverse("orders:orders"), {"placed_from": since}).content.decode()
    assert recent.reference in by_period
    assert old.reference not in by_period
    until = (timezone.now() - timezone.timedelta(days=30)).date().isoformat()
    by_end = client.get(reverse("orders:orders"), {"placed_until": until}).content.decode()
    assert old.reference in by_end
    assert recent.reference not in by_end
    refused = client.get(reverse("orders:orders"), {"placed_from": "not-a-date"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["placed_from"]


def test_a_product_out_of_stock_is_refused_in_the_cart_and_at_checkout(client, buyer):
    product = ProductFactory(sku="ARG-1", unit_price_sar=Decimal("6000"))
    client.post(reverse("orders:cart_add", args=["ARG-1"]), {"quantity": 1})
    product.stock_status = "out"
    product.save()
    page = client.get(reverse("orders:cart")).content.decode()
    assert "Cannot be ordered at the moment" in page
    refused = client.post(reverse("orders:checkout"), {"delivery_mode": "own_address"}, follow=True)
    assert "ARG-1 cannot be ordered at the moment" in refused.content.decode()
    assert not Order.objects.exists()
    again = client.post(reverse("orders:cart_quick"), {"lines": "ARG-1, 1"}, follow=True)
    assert any("Line 1: ARG-1 cannot be ordered" in str(m) for m in again.context["messages"])


def test_order_lines_keep_the_product_names_in_the_merchants_language():
    member = MembershipFactory(merchant__language="ar")
    product = ProductFactory(name_en="Argan oil", name_ar="زيت الأركان", unit_price_sar=Decimal("6000"))
    order = services.place_order(merchant=member.merchant, placed_by=member.user, items=[(product, 1)])
    assert order.lines.get().name == "زيت الأركان"


def test_an_order_in_kuwaiti_dinars_keeps_three_decimals():
    member = MembershipFactory(merchant__currency="KWD", merchant__country="KW")
    ExchangeRate.objects.create(
        currency="KWD", rate_to_sar=Decimal("12.2"), source="finance", effective_at=timezone.now()
    )
    order = services.place_order(
        merchant=member.merchant, placed_by=member.user, items=[(ProductFactory(unit_price_sar=Decimal("1000")), 5)]
    )
    # 1,000 SAR / 12.2 = 81.9672... KWD a pack, rounded half up to the fils: 81.967; five packs: 409.835.
    assert (order.lines.get().unit_price, order.subtotal, order.minimum_in_currency) == (
        Decimal("81.967"),
        Decimal("409.835"),
        Decimal("409.836"),  # 5,000 SAR / 12.2 = 409.8360...
    )
    assert order.subtotal_sar == Decimal("5000.00")


def test_the_cart_shows_vat_per_the_merchants_country_separately(client):
    saudi = MembershipFactory(role="buyer", merchant__country="SA", merchant__currency="SAR")
    ProductFactory(sku="ARG-1", unit_price_sar=Decimal("1000.00"))
    client.force_login(saudi.user)
    client.post(reverse("orders:cart_add", args=["ARG-1"]), {"quantity": 3})
    page = client.get(reverse("orders:cart")).content.decode()
    assert "VAT (15%)" in page
    assert "450.00 SAR" in page
    assert "3,450.00 SAR" in page
    french = MembershipFactory(role="buyer", merchant__country="FR", merchant__currency="SAR")
    client.force_login(french.user)
    client.post(reverse("orders:cart_add", args=["ARG-1"]), {"quantity": 3})
    assert "VAT (0%)" in client.get(reverse("orders:cart")).content.decode()


def test_a_csv_saved_by_a_french_spreadsheet_with_semicolons_is_read(client, buyer):
    ProductFactory(sku="ARG-1")
    ProductFactory(sku="SOAP-1")
    csv = "\ufeffRéférence;Quantité\r\nARG-1;3\r\nSOAP-1;2\r\nNOPE;1\r\n"
    response = client.post(
        reverse("orders:cart_upload"),
        {"file": SimpleUploadedFile("panier.csv", csv.encode(), content_type="text/csv")},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "2 line(s) added to your cart." in messages
    assert any(m.startswith("Line 4:") and "NOPE" in m for m in messages)
    assert dict(CartLine.objects.values_list("product__sku", "quantity")) == {"ARG-1": 3, "SOAP-1": 2}


@pytest.mark.services(needs=("postgres",))
@pytest.mark.django_db(transaction=True)
def test_two_clicks_on_place_the_order_place_it_once():
    member = MembershipFactory(role="buyer")
    product = ProductFactory(unit_price_sar=Decimal("6000"))
    cart = services.cart_for(merchant=member.merchant, user=member.user)
    services.set_quantity(cart=cart, product=product, quantity=1)
    outcomes = run_together(
        lambda _: services.checkout(cart=cart, placed_by=member.user, delivery_mode="own_address"), [1, 2]
    )
    assert Order.objects.count() == 1
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["EmptyOrder", "Order"]


def test_quick_order_sums_repeated_skus_and_refuses_zero_and_absurd_quantities(client, buyer):
    ProductFactory(sku="ARG-1")
    response = client.post(
        reverse("orders:cart_quick"), {"lines": "ARG-1, 2\nARG-1, 3\nARG-1, 0\nARG-1, 99999999999\n"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "2 line(s) added to your cart." in messages
    assert any(m.startswith("Line 3:") and "“0” is not a quantity" in m for m in messages)
    assert any(m.startswith("Line 4:") and "At most 100,000" in m for m in messages)
    assert CartLine.objects.get().quantity == 5


def test_quick_order_runs_the_same_queries_for_5_and_50_lines(buyer):
    products = [ProductFactory() for _ in range(50)]
    cart = services.cart_for(merchant=buyer.merchant, user=buyer.user)

    def queries_for(count: int) -> int:
        CartLine.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            result = services.add_lines(cart=cart, text="\n".join(f"{p.sku},1" for p in products[:count]))
        assert result.added == count
        return len(captured.captured_queries)

    assert queries_for(5) == queries_for(50)
