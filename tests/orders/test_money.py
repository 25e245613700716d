"""Money is a Decimal with its currency, rounded half up to the currency's minor unit in one place."""

from decimal import Decimal

import pytest

from orders.money import Money, convert, convert_up, minor_units, quantize, to_minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("1.005", "SAR", "1.01"),  # half up, not half even
        ("1.004", "SAR", "1.00"),
        ("2.0005", "KWD", "2.001"),  # three decimals
        ("2.0004", "KWD", "2.000"),
        ("1500.5", "JPY", "1501"),  # no decimals
        ("1500.4", "KRW", "1500"),
        ("-0.125", "EUR", "-0.13"),  # a refund rounds away from zero like a charge
    ],
)
def test_amounts_are_rounded_half_up_to_the_minor_unit_of_their_currency(amount, currency, rounded):
    assert quantize(Decimal(amount), currency) == Decimal(rounded)
    assert Money(Decimal(amount), currency).amount == Decimal(rounded)
    assert str(Money(Decimal(amount), currency).amount) == rounded


def test_providers_get_the_smallest_unit_of_each_currency():
    assert to_minor_units(Money(Decimal("5750.00"), "SAR")) == 575000
    assert to_minor_units(Money(Decimal("12.345"), "KWD")) == 12345
    assert to_minor_units(Money(Decimal("1500"), "JPY")) == 1500
    assert to_minor_units(Money(Decimal("0.015"), "USD")) == 2
    assert (minor_units("USD"), minor_units("KWD"), minor_units("JPY")) == (2, 3, 0)


def test_money_refuses_floats_and_mixing_currencies():
    with pytest.raises(TypeError):
        Money(0.1, "SAR")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot mix"):
        _ = Money(Decimal(1), "SAR") + Money(Decimal(1), "USD")
    assert Money(Decimal("0.10"), "SAR") + Money(Decimal("0.20"), "SAR") == Money(Decimal("0.30"), "SAR")
    assert str(Money(Decimal("1240"), "SAR")) == "1,240.00 SAR"


def test_conversion_goes_through_sar_and_a_shortfall_is_rounded_up():
    sar = Money(Decimal("1240.00"), "SAR")
    assert convert(sar, rate_to_sar=Decimal("3.75"), to="USD") == Money(Decimal("330.67"), "USD")
    assert convert(Money(Decimal("0.01"), "SAR"), rate_to_sar=Decimal("3.75"), to="USD").amount == 0
    assert convert_up(Money(Decimal("0.01"), "SAR"), rate_to_sar=Decimal("3.75"), to="USD").amount == Decimal("0.01")
    assert convert(Money(Decimal("100"), "KWD"), rate_to_sar=Decimal("12.2"), to="SAR").amount == Decimal("1220.00")
    with pytest.raises(ValueError, match="through SAR"):
        convert(Money(Decimal(1), "EUR"), rate_to_sar=Decimal(4), to="USD")
