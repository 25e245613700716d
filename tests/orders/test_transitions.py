"""The order's status moves only along the transition table; payment and cancellation are services that
payments and the portal call."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

import pytest

from orders import services
from orders.models import Order, OrderEvent
from orders.money import Money, to_minor_units
from tests.factories import MembershipFactory, StaffFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db
STATUSES = list(Order.Status)


def placed_order() -> Order:
    member = MembershipFactory()
    return services.place_order(
        merchant=member.merchant, placed_by=member.user, items=[(ProductFactory(unit_price_sar=Decimal("5000")), 1)]
    )


def test_every_status_is_in_the_transition_table_and_every_target_is_a_status():
    assert set(services.TRANSITIONS) == set(STATUSES)
    assert all(targets <= set(STATUSES) for targets in services.TRANSITIONS.values())


@pytest.mark.parametrize(("start", "to"), list(product(STATUSES, STATUSES)), ids=lambda s: str(s))
def test_each_pair_of_statuses_moves_only_if_the_table_allows_it(start, to):
    order = placed_order()
    Order.objects.filter(pk=order.pk).update(status=start)  # arrange: the order already stands at `start`
    if to in services.TRANSITIONS[start]:
        moved = services.move(order=order, to=to, note="checked", source="test")
        assert moved.status == to
        assert order.events.last().status == to
    else:
        with pytest.raises(services.IllegalTransition):
            services.move(order=order, to=to)
        order.refresh_from_db()
        assert order.status == start
        assert order.events.count() == 1  # only "placed"


def test_mark_paid_records_who_and_from_where_once_and_issues_the_tax_invoice(django_capture_on_commit_callbacks):
    order = placed_order()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.mark_paid(order=order, source="stripe", note="evt_123")
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert services.mark_paid(order=order, source="stripe", note="evt_123").status == "paid"
    assert again == []  # a provider event delivered twice changes nothing
    event = order.events.get(status="paid")
    assert (event.source, event.note) == ("stripe", "evt_123")
    assert order.invoices.filter(kind="tax").count() == 1


def test_a_payment_for_a_cancelled_order_is_refused_so_the_caller_can_refund_it():
    order = services.cancel_order(order=placed_order(), reason="changed my mind")
    with pytest.raises(services.IllegalTransition) as refused:
        services.mark_paid(order=order, source="bank_transfer")
    assert refused.value.code == "illegal_transition"
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_cancel_order_works_only_while_unpaid_and_records_the_reason():
    staff = StaffFactory()
    order = placed_order()
    services.cancel_order(order=order, by=staff, reason="duplicate", source="admin")
    event = OrderEvent.objects.get(order=order, status="cancelled")
    assert (event.by, event.note, event.source) == (staff, "duplicate", "admin")
    paid = services.mark_paid(order=placed_order())
    with pytest.raises(services.IllegalTransition):
        services.cancel_order(order=paid)


def test_payments_get_the_amount_to_charge_in_the_currencys_smallest_unit():
    order = placed_order()
    assert order.total_money == Money(Decimal("5750.00"), "SAR")
    assert to_minor_units(order.total_money) == 575000
