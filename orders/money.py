"""Money: a Decimal amount with its currency, rounded one way, in one place.

Every amount the portal shows or stores goes through `Money`, so that a cart, an order and an
invoice can never round differently. Providers that want the smallest unit (cents, halalas, fils)
get it from `to_minor_units`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

#: ISO 4217 minor units that are not 2.
MINOR_UNITS = {"KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3, "JPY": 0, "KRW": 0}
BASE_CURRENCY = "SAR"


def minor_units(currency: str) -> int:
    """How many decimals the currency has (2 unless ISO 4217 says otherwise)."""
    return MINOR_UNITS.get(currency, 2)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit, half up (the rule of invoices)."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, order=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError("Money takes a Decimal, never a float.")
        object.__setattr__(self, "amount", quantize(self.amount, self.currency))

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def times(self, factor: Decimal | int) -> Money:
        return Money(self.amount * Decimal(factor), self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __str__(self) -> str:
        return f"{self.amount:,} {self.currency}"


def convert(money: Money, *, rate_to_sar: Decimal, to: str) -> Money:
    """Convert between SAR and another currency with that currency's rate to SAR.

    `rate_to_sar` is how many SAR one unit of the other currency is worth (USD: 3.75).
    """
    if money.currency == to:
        return money
    if money.currency == BASE_CURRENCY:
        return Money(money.amount / rate_to_sar, to)
    if to == BASE_CURRENCY:
        return Money(money.amount * rate_to_sar, to)
    raise ValueError("convert goes through SAR: one side must be SAR")


def convert_up(money: Money, *, rate_to_sar: Decimal, to: str) -> Money:
    """Like `convert`, but rounded up to the minor unit: for a shortfall, never understated."""
    exact = money.amount / rate_to_sar if to != BASE_CURRENCY else money.amount * rate_to_sar
    if money.currency == to:
        return money
    return Money(exact.quantize(Decimal(1).scaleb(-minor_units(to)), rounding=ROUND_UP), to)


def to_minor_units(money: Money) -> int:
    """The amount in the currency's smallest unit, as payment providers expect it."""
    return int(money.amount.scaleb(minor_units(money.currency)))
