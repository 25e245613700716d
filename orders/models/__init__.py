"""The wholesale catalogue, carts, orders, rates and invoices.

`catalogue`: categories, products and their photos; `rates`: exchange rates, the minimum-order policy
and VAT rates; `orders`: orders, their lines, history, invoices and number sequences; `carts`: carts.
"""

from __future__ import annotations

from orders.models.carts import Cart, CartLine
from orders.models.catalogue import Category, Product, ProductPhoto, Translated
from orders.models.orders import Invoice, Order, OrderEvent, OrderLine, Sequence
from orders.models.rates import COUNTRY_CODE, CURRENCY_CODE, FIXED_RATES, ExchangeRate, MinimumOrderPolicy, VatRate

__all__ = [
    "COUNTRY_CODE",
    "CURRENCY_CODE",
    "Cart",
    "CartLine",
    "Category",
    "ExchangeRate",
    "FIXED_RATES",
    "Invoice",
    "MinimumOrderPolicy",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Product",
    "ProductPhoto",
    "Sequence",
    "Translated",
    "VatRate",
]
