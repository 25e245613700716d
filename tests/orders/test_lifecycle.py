"""The order's named actions: one table, the row lock, who/when/where/why, and the after-paid hooks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders import extensions, services
from orders.models import Order
from tests.factories import MembershipFactory, StaffFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db


def placed_order() -> Order:
    member = MembershipFactory()
    return services.place_order(
        merchant=member.merchant, placed_by=member.user, items=[(ProductFactory(unit_price_sar=Decimal("5000")), 1)]
    )


@pytest.fixture
def failing_hook():
    calls: list[int] = []

    def explode(order: Order) -> None:
        calls.append(order.pk)
        raise RuntimeError("hook broken")

    extensions.register_after_paid(explode)
    yield calls
    extensions._after_paid.remove(explode)


def test_a_failing_after_paid_hook_is_logged_and_never_undoes_the_payment(
    failing_hook, django_capture_on_commit_callbacks, caplog
):
    order = placed_order()
    with django_capture_on_commit_callbacks(execute=True):
        paid = services.mark_paid(order=order, source="test")
    assert failing_hook == [order.pk]
    assert paid.status == Order.Status.PAID
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert order.invoices.filter(kind="tax").exists(), "the other hooks still ran"
    assert "after-paid hook failed" in caplog.text


def test_the_staff_change_records_who_where_and_why():
    staff = StaffFactory()
    order = placed_order()
    services.staff_change_status(order=order, to="rejected", by=staff, reason="fraud check", ip="203.0.113.9")
    event = order.events.get(status="rejected")
    assert (event.by, event.source, event.note, event.ip_address) == (staff, "admin", "fraud check", "203.0.113.9")


def test_a_replacement_is_placed_and_paid_in_one_transaction_and_gets_no_tax_invoice(
    django_capture_on_commit_callbacks,
):
    staff = StaffFactory()
    original = services.mark_paid(order=placed_order(), source="test")
    product = ProductFactory(unit_price_sar=Decimal("10"))
    with django_capture_on_commit_callbacks(execute=True):
        replacement = services.raise_replacement(order=original, by=staff, items=[(product, 1)], reason="broken")
    assert replacement.status == Order.Status.PAID
    assert [e.status for e in replacement.events.all()] == ["awaiting_payment", "paid"]
    assert not replacement.invoices.exists(), "a replacement is not paid for: no pro-forma, no tax invoice"


def test_fulfilment_shipping_and_completion_go_through_the_table():
    order = services.mark_paid(order=placed_order(), source="test")
    assert services.start_fulfilment(order=order).status == "in_fulfilment"
    assert services.start_fulfilment(order=order).status == "in_fulfilment", "a second start changes nothing"
    assert services.mark_shipped(order=order).status == "shipped"
    assert services.mark_completed(order=order).status == "completed"
    assert services.mark_refunded(order=order).status == "refunded"
    with pytest.raises(services.IllegalTransition):
        services.mark_shipped(order=order)


def test_the_status_column_check_lists_exactly_the_statuses():
    (check,) = [c for c in Order._meta.constraints if c.name == "order_status_known"]
    assert set(dict(check.condition.children)["status__in"]) == set(Order.Status.values)
