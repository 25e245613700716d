"""Orders in the privacy features: a member's orders and invoices are trade and tax records kept after the
member is erased; their cart goes with them, and a cart left alone for long is purged."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import services
from orders.models import Cart, Invoice, Order
from orders.personal_data import ABANDONED_CART_DAYS
from privacy.services.erasure import erase_person
from privacy.services.exports import collect
from privacy.services.retention import purge_expired
from tests.factories import MembershipFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db


def member_with_an_order_and_a_cart(django_capture_on_commit_callbacks):
    member = MembershipFactory(role="buyer")
    product = ProductFactory(unit_price_sar=Decimal("6000"))
    with django_capture_on_commit_callbacks(execute=True):
        order = services.place_order(merchant=member.merchant, placed_by=member.user, items=[(product, 1)])
    services.set_quantity(
        cart=services.cart_for(merchant=member.merchant, user=member.user), product=product, quantity=2
    )
    return member, order


def test_the_export_lists_the_members_orders_invoices_and_cart(django_capture_on_commit_callbacks):
    member, order = member_with_an_order_and_a_cart(django_capture_on_commit_callbacks)
    sections = collect(user=member.user)
    assert sections["orders.order"]["rows"][0]["reference"] == order.reference
    assert Decimal(sections["orders.order"]["rows"][0]["total"]) == Decimal("6900.00")  # with 15% VAT
    assert sections["orders.invoice"]["rows"][0]["number"].startswith("PF-")
    assert sections["orders.orderevent"]["rows"][0]["status"] == "awaiting_payment"
    assert sections["orders.cart"]["title"] == "carts"


def test_erasing_a_member_deletes_their_cart_and_keeps_orders_and_invoices(django_capture_on_commit_callbacks):
    member, order = member_with_an_order_and_a_cart(django_capture_on_commit_callbacks)
    outcome = erase_person(user=member.user)
    assert not Cart.objects.filter(user=member.user).exists()
    kept = Order.objects.get(pk=order.pk)
    assert (kept.reference, kept.total, kept.placed_by_id) == (order.reference, order.total, member.user.pk)
    assert Invoice.objects.filter(order=order).count() == 1
    assert "total" in outcome["orders.order"]["kept"]


def test_a_cart_untouched_for_months_is_purged_and_a_cart_in_use_stays(django_capture_on_commit_callbacks):
    old, _order = member_with_an_order_and_a_cart(django_capture_on_commit_callbacks)
    recent, _other = member_with_an_order_and_a_cart(django_capture_on_commit_callbacks)
    long_ago = timezone.now() - timedelta(days=ABANDONED_CART_DAYS + 1)
    Cart.objects.update(updated_at=long_ago)
    services.add_lines(
        cart=services.cart_for(merchant=recent.merchant, user=recent.user),
        text=f"{ProductFactory(sku='KEEP-1').sku},1",
    )
    assert purge_expired()["orders.cart"] == 1
    assert list(Cart.objects.values_list("user", flat=True)) == [recent.user.pk]
