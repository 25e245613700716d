"""`{{ amount|money:currency }}`: an amount rounded to the currency's minor unit, with thousands separators."""

from decimal import Decimal

from django import template

from orders.money import quantize

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    return f"{quantize(Decimal(amount), currency):,} {currency}"


@register.filter
def percent(value: Decimal | None) -> str:
    """A rate as a percentage (0.15 -> 15%)."""
    return "" if value is None else f"{(Decimal(value) * 100).normalize():f}%"


@register.filter
def rate(value: Decimal | None) -> str:
    """An exchange rate without trailing zeros (3.75, not 3.75000000)."""
    return "" if value is None else f"{Decimal(value).normalize():f}"
