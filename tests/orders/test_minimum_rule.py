"""The minimum-order rule, checked on the server: first order 5,000 SAR, later ones 2,000 SAR, or the
equivalent in the order's currency at the rate in force (see orders/services.py for the definitions)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import services
from orders.models import ExchangeRate, MinimumOrderPolicy, Order
from tests.concurrency import run_together
from tests.factories import MembershipFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db


def merchant_in(currency: str, country: str = "SA"):
    return MembershipFactory(merchant__currency=currency, merchant__country=country)


def order(membership, price_sar: str, **kwargs) -> Order:
    product = ProductFactory(unit_price_sar=Decimal(price_sar))
    return services.place_order(merchant=membership.merchant, placed_by=membership.user, items=[(product, 1)], **kwargs)


@pytest.fixture
def eur_rate():
    return ExchangeRate.objects.create(
        currency="EUR", rate_to_sar=Decimal("4.05"), source="finance", effective_at=timezone.now() - timedelta(hours=1)
    )


def paid_first_order(membership) -> Order:
    first = order(membership, "5000.00")
    return services.move(order=first, to=Order.Status.PAID)


@pytest.mark.parametrize(("price", "placed"), [("4999.99", False), ("5000.00", True)])
def test_first_order_in_sar_at_the_boundary(price, placed):
    member = merchant_in("SAR")
    if placed:
        result = order(member, price)
        assert (result.minimum_kind, result.subtotal_sar, result.minimum_sar) == (
            "first",
            Decimal(price),
            Decimal(5000),
        )
    else:
        with pytest.raises(services.BelowMinimum) as refused:
            order(member, price)
        assert str(refused.value.params["shortfall"]) == "0.01 SAR"
        assert "5,000.00 SAR" in str(refused.value.message)


@pytest.mark.parametrize(("price", "placed"), [("1999.99", False), ("2000.00", True)])
def test_repeat_order_in_sar_at_the_boundary(price, placed):
    member = merchant_in("SAR")
    paid_first_order(member)
    if placed:
        assert order(member, price).minimum_kind == "repeat"
    else:
        with pytest.raises(services.BelowMinimum) as refused:
            order(member, price)
        assert refused.value.params["kind"] == "repeat"


@pytest.mark.parametrize(
    ("price_sar", "subtotal_usd", "placed"),
    # Prices are set in SAR, so the SAR subtotal decides: 4,999.99 SAR shows as 1,333.33 USD (rounded
    # half up, like the 1,333.33 USD minimum) but is still 0.01 SAR short.
    [("4999.99", "1333.33", False), ("5000.00", "1333.33", True)],
)
def test_first_order_in_usd_is_decided_on_the_exact_sar_subtotal(price_sar, subtotal_usd, placed):
    member = merchant_in("USD", "US")
    if placed:
        result = order(member, price_sar)
        assert (result.subtotal, result.subtotal_sar, result.minimum_in_currency, result.rate_to_sar) == (
            Decimal(subtotal_usd),
            Decimal("5000.00"),
            Decimal("1333.33"),
            Decimal("3.75"),
        )
        assert result.rate_source == "peg"
    else:
        with pytest.raises(services.BelowMinimum) as refused:
            order(member, price_sar)
        assert str(refused.value.params["shortfall_sar"]) == "0.01 SAR"
        assert str(refused.value.params["shortfall"]) == "0.01 USD"  # rounded up, never shown as 0.00
        assert str(refused.value.params["total"]) == "1,333.33 USD"


@pytest.mark.parametrize(("price_sar", "placed"), [("1999.99", False), ("2000.00", True)])
def test_repeat_order_in_usd_at_the_boundary(price_sar, placed):
    member = merchant_in("USD", "US")
    paid_first_order(member)
    if placed:
        result = order(member, price_sar)
        # 2,000 / 3.75 = 533.333... USD, shown half up as 533.33 for both the order and its minimum.
        assert (result.minimum_kind, result.subtotal, result.minimum_in_currency) == (
            "repeat",
            Decimal("533.33"),
            Decimal("533.33"),
        )
    else:
        with pytest.raises(services.BelowMinimum) as refused:
            order(member, price_sar)
        assert str(refused.value.params["shortfall"]) == "0.01 USD"  # 0.01 SAR, rounded up
        assert str(refused.value.params["minimum_sar"]) == "2,000.00 SAR"


@pytest.mark.parametrize(
    ("price_sar", "placed"),
    # 5,000 SAR at 4.05 is 1,234.5679 EUR, shown 1,234.57; 4,999.98 SAR is 1,234.56 EUR.
    [("4999.98", False), ("5000.00", True)],
)
def test_first_order_in_eur_at_the_boundary(eur_rate, price_sar, placed):
    member = merchant_in("EUR", "FR")
    if placed:
        result = order(member, price_sar)
        assert (result.subtotal, result.minimum_in_currency) == (Decimal("1234.57"), Decimal("1234.57"))
        assert result.rate_effective_at == eur_rate.effective_at
        assert result.vat_amount == 0
    else:
        with pytest.raises(services.BelowMinimum) as refused:
            order(member, price_sar)
        assert str(refused.value.params["shortfall"]) == "0.01 EUR"


@pytest.mark.parametrize(("price_sar", "placed"), [("1999.99", False), ("2000.00", True)])
def test_repeat_order_in_eur_at_the_boundary(eur_rate, price_sar, placed):
    member = merchant_in("EUR", "FR")
    paid_first_order(member)
    if placed:
        assert order(member, price_sar).subtotal == Decimal("493.83")  # 2000 / 4.05 = 493.827...
    else:
        with pytest.raises(services.BelowMinimum):
            order(member, price_sar)


def test_a_stale_rate_blocks_ordering_in_that_currency_but_the_peg_never_ages(settings):
    settings.EXCHANGE_RATE_MAX_AGE_HOURS = 48
    ExchangeRate.objects.create(
        currency="EUR", rate_to_sar=Decimal("4.05"), source="finance", effective_at=timezone.now() - timedelta(hours=49)
    )
    with pytest.raises(services.StaleRate):
        order(merchant_in("EUR", "FR"), "6000.00")
    assert order(merchant_in("USD", "US"), "6000.00").rate_source == "peg"


def test_a_currency_without_a_rate_is_refused():
    with pytest.raises(services.NoRate):
        order(merchant_in("JPY", "JP"), "6000.00")


def test_a_cancelled_first_order_does_not_count():
    member = merchant_in("SAR")
    first = order(member, "5000.00")
    services.move(order=first, to=Order.Status.CANCELLED)
    with pytest.raises(services.BelowMinimum):
        order(member, "2500.00")
    assert order(member, "5000.00").minimum_kind == "first"


def test_while_the_first_order_is_unpaid_the_next_must_reach_the_first_order_minimum():
    member = merchant_in("SAR")
    order(member, "5000.00")
    with pytest.raises(services.BelowMinimum) as refused:
        order(member, "2000.00")
    assert refused.value.params["kind"] == "awaiting_first_payment"
    assert order(member, "5000.00").minimum_kind == "awaiting_first_payment"


def test_a_staff_replacement_is_exempt_and_does_not_count(django_capture_on_commit_callbacks):
    member = merchant_in("SAR")
    original = services.move(order=order(member, "5000.00"), to=Order.Status.PAID)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        replacement = order(member, "10.00", replaces=original)
    assert callbacks == []
    assert (replacement.minimum_kind, replacement.is_replacement) == ("exempt", True)
    assert not replacement.invoices.exists()  # nothing to pay, so no pro-forma
    with pytest.raises(services.BelowMinimum) as refused:
        order(member, "1999.99")
    assert refused.value.params["kind"] == "repeat"  # the replacement changed nothing


def test_the_policy_is_data_with_history():
    member = merchant_in("SAR")
    MinimumOrderPolicy.objects.create(
        first_order_minimum=Decimal("6000"),
        repeat_order_minimum=Decimal("2500"),
        effective_from=timezone.now() + timedelta(days=1),
    )
    assert order(member, "5000.00").minimum_sar == Decimal("5000")  # tomorrow's policy is not in force yet
    with pytest.raises(services.BelowMinimum):
        order(merchant_in("SAR"), "5000.00", at=timezone.now() + timedelta(days=2))


def test_saudi_orders_carry_15_percent_vat_shown_separately():
    result = order(merchant_in("SAR"), "5000.00")
    assert (result.vat_rate, result.vat_amount, result.total) == (Decimal("0.15"), Decimal("750"), Decimal("5750"))


def test_quantity_steps_and_minimums_are_enforced():
    member = merchant_in("SAR")
    product = ProductFactory(unit_price_sar=Decimal("1000"), min_quantity=6, quantity_step=2)
    for quantity in (4, 7):
        with pytest.raises(services.InvalidQuantity):
            services.place_order(merchant=member.merchant, placed_by=member.user, items=[(product, quantity)])
    assert services.place_order(merchant=member.merchant, placed_by=member.user, items=[(product, 6)]).subtotal == 6000


@pytest.mark.services(needs=("postgres",))
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_orders_are_judged_one_after_the_other():
    member = merchant_in("SAR")
    products = [ProductFactory(unit_price_sar=Decimal("5000.00")) for _ in range(2)]
    placed = run_together(
        lambda product: services.place_order(merchant=member.merchant, placed_by=member.user, items=[(product, 1)]),
        products,
    )
    assert sorted(order.minimum_kind for order in placed) == ["awaiting_first_payment", "first"]
    assert Order.objects.filter(merchant=member.merchant, minimum_kind="first").count() == 1


def test_the_base_currency_of_the_policy_is_data_too():
    MinimumOrderPolicy.objects.create(
        first_order_minimum=Decimal("1400.00"),
        repeat_order_minimum=Decimal("600.00"),
        base_currency="USD",
        effective_from=timezone.now() - timedelta(minutes=1),
    )
    member = merchant_in("SAR")
    with pytest.raises(services.BelowMinimum) as refused:
        order(member, "5249.99")
    assert str(refused.value.params["minimum_sar"]) == "5,250.00 SAR"  # 1,400 USD at the 3.75 peg
    assert order(member, "5250.00").minimum_sar == Decimal("5250.00")
