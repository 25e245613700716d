"""Adding one product to the cart, and putting a past order back in it, without going through CSV text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import Cart, CartLine
from tests.concurrency import run_together
from tests.factories import MembershipFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(role="buyer", merchant__currency="USD", merchant__country="US")


@pytest.fixture
def cart(member):
    return services.cart_for(merchant=member.merchant, user=member.user)


def test_adding_a_product_twice_adds_to_the_same_line(cart):
    product = ProductFactory(sku="ARG-1")
    services.add_to_cart(cart=cart, product=product, quantity=2)
    line = services.add_to_cart(cart=cart, product=product, quantity=3)
    assert line.quantity == 5
    assert list(CartLine.objects.values_list("product__sku", "quantity")) == [("ARG-1", 5)]


def test_the_step_and_minimum_are_checked_on_the_whole_line_with_the_csv_message(cart):
    product = ProductFactory(sku="ARG-1", min_quantity=4, quantity_step=2)
    with pytest.raises(services.InvalidQuantity) as below:
        services.add_to_cart(cart=cart, product=product, quantity=2)
    csv = services.add_lines(cart=cart, text="ARG-1,2")
    assert csv.errors == [(1, str(below.value.message))]
    assert str(below.value.message) == "ARG-1 is sold from 4 in steps of 2."
    services.add_to_cart(cart=cart, product=product, quantity=4)
    with pytest.raises(services.InvalidQuantity, match="steps of 2"):
        services.add_to_cart(cart=cart, product=product, quantity=1)
    assert CartLine.objects.get().quantity == 4


def test_zero_a_negative_or_a_word_is_not_a_quantity(cart):
    product = ProductFactory(sku="ARG-1")
    for typed in ("0", "-3", "three", ""):
        with pytest.raises(services.InvalidQuantity) as refused:
            services.add_to_cart(cart=cart, product=product, quantity=services.quantity_from(typed))
        assert str(refused.value.message) == f"“{typed}” is not a quantity."
    with pytest.raises(services.InvalidQuantity, match="“0” is not a quantity"):
        services.add_to_cart(cart=cart, product=product, quantity=0)
    assert not CartLine.objects.exists()


def test_an_absurd_quantity_and_an_unavailable_product_are_refused(cart):
    with pytest.raises(services.InvalidQuantity, match="At most 100,000"):
        services.add_to_cart(cart=cart, product=ProductFactory(), quantity=100_001)
    with pytest.raises(services.ProductUnavailable):
        services.add_to_cart(cart=cart, product=ProductFactory(stock_status="out"), quantity=1)
    assert not CartLine.objects.exists()


def test_adding_marks_the_cart_as_in_use(cart):
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timezone.timedelta(days=90))
    services.add_to_cart(cart=cart, product=ProductFactory(), quantity=1)
    assert Cart.objects.get(pk=cart.pk).updated_at > timezone.now() - timezone.timedelta(minutes=1)


def test_the_product_page_form_reports_a_refused_quantity_without_a_line_number(client, member):
    ProductFactory(sku="ARG-1", min_quantity=6, quantity_step=6)
    client.force_login(member.user)
    response = client.post(reverse("orders:cart_add", args=["ARG-1"]), {"quantity": " 5 "}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["ARG-1 is sold from 6 in steps of 6."]
    response = client.post(reverse("orders:cart_add", args=["ARG-1"]), {"quantity": "a dozen"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["“a dozen” is not a quantity."]
    response = client.post(reverse("orders:cart_add", args=["ARG-1"]), {"quantity": " 12 "}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Added to your cart."]
    assert CartLine.objects.get().quantity == 12


def test_a_past_order_goes_back_in_the_cart_line_by_line(cart, member):
    argan, soap = ProductFactory(sku="ARG-1", unit_price_sar=Decimal("6000")), ProductFactory(sku="SOAP-1")
    order = services.place_order(merchant=member.merchant, placed_by=member.user, items=[(argan, 2), (soap, 3)])
    soap.is_active = False
    soap.save()
    services.add_to_cart(cart=cart, product=argan, quantity=1)
    result = services.add_order_lines(cart=cart, order=order)
    assert result.added == 1
    assert [(number, "SOAP-1" in error) for number, error in result.errors] == [(2, True)]
    assert dict(CartLine.objects.values_list("product__sku", "quantity")) == {"ARG-1": 3}


@pytest.mark.services(needs=("postgres",))
@pytest.mark.django_db(transaction=True)
def test_two_additions_at_once_are_both_counted():
    member = MembershipFactory(role="buyer")
    product = ProductFactory()
    cart = services.cart_for(merchant=member.merchant, user=member.user)
    outcomes = run_together(
        lambda quantity: services.add_to_cart(cart=cart, product=product, quantity=quantity), [2, 3]
    )
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert CartLine.objects.get().quantity == 5
