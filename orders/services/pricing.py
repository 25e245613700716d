"""The one pricing function (carts, orders and invoices all call it), quantity checks and VAT."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.errors import InvalidQuantity, ProductUnavailable
from orders.models import Product, VatRate
from orders.money import BASE_CURRENCY, Money, convert
from orders.services.rates import Rate

__all__ = [
    "MAX_QUANTITY",
    "PricedLine",
    "check_orderable",
    "check_quantity",
    "price_lines",
    "unit_price",
    "vat_on",
    "vat_rate_for",
]


@dataclass(frozen=True)
class PricedLine:
    product: Product
    quantity: int
    unit_price: Money
    unit_price_sar: Money

    @property
    def total(self) -> Money:
        return self.unit_price.times(self.quantity)

    @property
    def total_sar(self) -> Money:
        return self.unit_price_sar.times(self.quantity)


#: The most of one product a line may hold (a typo guard, well above any wholesale order).
MAX_QUANTITY = 100_000


def check_quantity(*, product: Product, quantity: int) -> None:
    """Refuse a quantity below the product's minimum, off its step, or beyond any sensible order."""
    if quantity > MAX_QUANTITY:
        raise InvalidQuantity(
            _("At most %(maximum)s of %(sku)s on one line.") % {"maximum": f"{MAX_QUANTITY:,}", "sku": product.sku}
        )
    if quantity < max(product.min_quantity, 1) or quantity % product.quantity_step:
        raise InvalidQuantity(
            _("%(sku)s is sold from %(minimum)s in steps of %(step)s.")
            % {"sku": product.sku, "minimum": product.min_quantity, "step": product.quantity_step}
        )


def check_orderable(*, product: Product, quantity: int) -> None:
    """Refuse a product that is no longer listed or is out of stock, then check the quantity."""
    if not product.is_active or product.stock_status == Product.Stock.OUT:
        raise ProductUnavailable(
            _("%(sku)s cannot be ordered at the moment (out of stock or no longer listed).") % {"sku": product.sku}
        )
    check_quantity(product=product, quantity=quantity)


def unit_price(*, product: Product, rate: Rate) -> Money:
    """A product's price per unit in the rate's currency: the catalogue, cart, order and invoice all get it here."""
    return convert(Money(product.unit_price_sar, BASE_CURRENCY), rate_to_sar=rate.rate_to_sar, to=rate.currency)


def price_lines(*, items: list[tuple[Product, int]], rate: Rate) -> list[PricedLine]:
    """Price products in the order's currency: the one pricing function carts, orders and invoices use."""
    return [
        PricedLine(
            product, quantity, unit_price(product=product, rate=rate), Money(product.unit_price_sar, BASE_CURRENCY)
        )
        for product, quantity in items
    ]


def vat_rate_for(*, country: str, at: datetime | None = None) -> Decimal:
    """The VAT rate charged to merchants of `country` (0 where none is configured)."""
    row = VatRate.objects.filter(country=country, effective_from__lte=at or timezone.now()).first()
    return row.rate if row else Decimal(0)


def vat_on(subtotal: Money, vat_rate: Decimal) -> Money:
    """VAT on a subtotal (before delivery), rounded half up once on the whole, as invoices show it."""
    return Money(subtotal.amount * vat_rate, subtotal.currency)
