"""Reads of the orders domain; every merchant read starts from the merchant."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from merchants.models import Merchant
from orders.models import Cart, CartLine, Category, Invoice, Order, OrderLine, Product, ProductPhoto


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def catalogue(*, category: str | None = None, query: str | None = None) -> QuerySet[Product]:
    """Listed products, optionally of one category or matching a search in any language or the SKU."""
    products = Product.objects.filter(is_active=True).select_related("category").prefetch_related("photos")
    if category:
        products = products.filter(category__slug=category)
    if query:
        products = products.filter(
            Q(sku__icontains=query)
            | Q(name_en__icontains=query)
            | Q(name_fr__icontains=query)
            | Q(name_ar__icontains=query)
        )
    return products.order_by("category__position", "sku")


def cart_lines(*, cart: Cart) -> list[CartLine]:
    return list(cart.lines.select_related("product__category"))


def orders_for(
    *,
    merchant: Merchant,
    status: str | None = None,
    reference: str | None = None,
    placed_from: date | None = None,
    placed_until: date | None = None,
) -> QuerySet[Order]:
    """The merchant's orders, newest first, with their status history, optionally filtered."""
    orders = Order.objects.filter(merchant=merchant).prefetch_related("events").order_by("-placed_at", "-pk")
    if status:
        orders = orders.filter(status=status)
    if reference:
        orders = orders.filter(reference__icontains=reference.strip())
    if placed_from:
        orders = orders.filter(placed_at__date__gte=placed_from)
    if placed_until:
        orders = orders.filter(placed_at__date__lte=placed_until)
    return orders


def order_detail(*, merchant: Merchant) -> QuerySet[Order]:
    """The merchant's orders with lines and history, for one order's page."""
    return Order.objects.filter(merchant=merchant).prefetch_related("lines", "events__by", "invoices")


def lines_in(*, cart: Cart) -> QuerySet[CartLine]:
    """The cart's lines with their products, to look one up by product."""
    return cart.lines.select_related("product")


def invoices_of(*, merchant: Merchant, reference: str) -> QuerySet[Invoice]:
    """The invoices and credit notes of one of the merchant's orders."""
    return Invoice.objects.filter(order__merchant=merchant, order__reference=reference).select_related("order")


def product_photos(*, sku: str) -> QuerySet[ProductPhoto]:
    """The photos of a listed product."""
    return ProductPhoto.objects.filter(product__sku=sku, product__is_active=True)


def lines_of(*, order: Order) -> list[OrderLine]:
    """An order's lines, in their order (from the prefetch when the order has one)."""
    return list(order.lines.all())
