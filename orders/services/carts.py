"""The cart: add, change and remove lines; quick order and CSV lines; checkout into an order."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants.models import Merchant, User
from orders.models import Cart, CartLine, Order, Product
from orders.money import BASE_CURRENCY, Money
from orders.services.minimums import Minimum, minimum_for, shortfall_of
from orders.services.placing import InvalidQuantity, OrderError, place_order
from orders.services.pricing import PricedLine, check_orderable, price_lines, vat_on, vat_rate_for
from orders.services.rates import Rate, rate_in_force
from portal.state import lock

__all__ = [
    "CartSummary",
    "LineErrors",
    "add_lines",
    "add_order_lines",
    "add_to_cart",
    "cart_for",
    "checkout",
    "parse_lines",
    "quantity_from",
    "set_quantity",
    "summarise",
]

MAX_IMPORT_LINES = 2000


def cart_for(*, merchant: Merchant, user: User) -> Cart:
    """The member's cart for this merchant (created on first use)."""
    cart, _created = Cart.objects.get_or_create(merchant=merchant, user=user)
    return cart


def set_quantity(*, cart: Cart, product: Product, quantity: int) -> None:
    """Set a line's quantity (0 removes it), within the product's minimum and step."""
    with transaction.atomic():
        if quantity == 0:
            CartLine.objects.filter(cart=cart, product=product).delete()
        else:
            check_orderable(product=product, quantity=quantity)
            CartLine.objects.update_or_create(cart=cart, product=product, defaults={"quantity": quantity})
        _touch(cart)


def _touch(cart: Cart) -> None:
    """A cart in use is not abandoned: retention counts from its last change."""
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


@dataclass
class LineErrors:
    """What an import refused, by line number, beside how many lines it added."""

    added: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


HEADER_WORDS = {"sku", "ref", "reference", "référence", "code", "رمز", "المرجع"}


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab that spreadsheets in French and other locales save CSV files with."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if ";" in first else "\t" if "\t" in first else ","


def parse_lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, SKU, value) from "SKU,value" lines (also ";" or tab separated, or "SKU value");
    a header line and blank lines are skipped."""
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=_delimiter(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        if number == 1 and row[0].strip().lower() in HEADER_WORDS:
            continue
        cells = [cell.strip() for cell in row]
        if len(cells) == 1:
            cells = cells[0].split()
        rows.append((number, cells[0] if cells else "", cells[1] if len(cells) > 1 else ""))
    return rows


def quantity_from(text: str) -> int:
    """A typed quantity as a whole number above zero; anything else is refused with what was typed."""
    try:
        quantity = int(text)
    except ValueError:
        quantity = 0
    if quantity <= 0:
        raise InvalidQuantity(_("“%(value)s” is not a quantity.") % {"value": text})
    return quantity


def add_to_cart(*, cart: Cart, product: Product, quantity: int) -> CartLine:
    """Add a quantity of one product to the cart; the whole line keeps to the product's minimum and step."""
    if quantity <= 0:
        raise InvalidQuantity(_("“%(value)s” is not a quantity.") % {"value": quantity})
    with transaction.atomic():
        # Locked, so that two additions of the same product are counted one after the other.
        lock(Cart, cart.pk)
        current = CartLine.objects.filter(cart=cart, product=product).values_list("quantity", flat=True).first()
        total = (current or 0) + quantity
        check_orderable(product=product, quantity=total)
        line, _created = CartLine.objects.update_or_create(cart=cart, product=product, defaults={"quantity": total})
        _touch(cart)
    return line


def add_lines(*, cart: Cart, text: str) -> LineErrors:
    """Add "SKU,quantity" lines to the cart; good lines are added, every bad one is reported by number."""
    rows = parse_lines(text)
    if len(rows) > MAX_IMPORT_LINES:
        return LineErrors(errors=[(0, _("At most %(count)s lines at a time.") % {"count": MAX_IMPORT_LINES})])
    return _add_rows(cart=cart, rows=rows)


def add_order_lines(*, cart: Cart, order: Order) -> LineErrors:
    """Put a past order's products back in the cart; a line that cannot be ordered now is reported by number."""
    rows = [(number, line.sku, str(line.quantity)) for number, line in enumerate(order.lines.all(), start=1)]
    return _add_rows(cart=cart, rows=rows)


def _add_rows(*, cart: Cart, rows: list[tuple[int, str, str]]) -> LineErrors:
    """Add (line number, SKU, quantity typed) rows: each good one is added, each bad one reported."""
    result = LineErrors()
    products = {p.sku.upper(): p for p in Product.objects.filter(is_active=True, sku__in=[r[1].upper() for r in rows])}
    quantities = dict(CartLine.objects.filter(cart=cart).values_list("product_id", "quantity"))
    changed: dict[int, CartLine] = {}
    for number, sku, quantity_text in rows:
        product = products.get(sku.upper())
        if product is None:
            result.errors.append((number, _("Unknown SKU “%(sku)s”.") % {"sku": sku}))
            continue
        try:
            total = quantities.get(product.pk, 0) + quantity_from(quantity_text)
            check_orderable(product=product, quantity=total)
        except OrderError as exc:
            result.errors.append((number, str(exc.message)))
            continue
        quantities[product.pk] = total
        changed[product.pk] = CartLine(cart=cart, product=product, quantity=total)
        result.added += 1
    if changed:
        with transaction.atomic():
            CartLine.objects.bulk_create(
                list(changed.values()),
                update_conflicts=True,
                unique_fields=["cart", "product"],
                update_fields=["quantity"],
            )
            _touch(cart)
    return result


@dataclass(frozen=True)
class CartSummary:
    lines: list[PricedLine]
    rate: Rate | None
    subtotal: Money | None
    subtotal_sar: Money | None
    minimum: Minimum | None
    error: OrderError | None
    vat_rate: Decimal = Decimal(0)

    @property
    def vat(self) -> Money | None:
        """VAT the order would carry, per the merchant's country."""
        return vat_on(self.subtotal, self.vat_rate) if self.subtotal is not None else None

    @property
    def total(self) -> Money | None:
        return self.subtotal + self.vat if self.subtotal is not None and self.vat is not None else None

    @property
    def _shortfall(self) -> tuple[Money, Money] | None:
        if self.minimum is None or self.subtotal_sar is None or self.rate is None:
            return None
        return shortfall_of(self.minimum, self.subtotal_sar, self.rate)

    @property
    def shortfall_sar(self) -> Money | None:
        return self._shortfall[0] if self._shortfall else None

    @property
    def shortfall(self) -> Money | None:
        """The shortfall in the merchant's currency, rounded up."""
        return self._shortfall[1] if self._shortfall else None

    @property
    def progress(self) -> int:
        """How far the cart is towards the minimum, in percent (0-100)."""
        if self.minimum is None or self.subtotal_sar is None or not self.minimum.amount_sar.amount:
            return 100
        return min(100, int(self.subtotal_sar.amount * 100 / self.minimum.amount_sar.amount))

    @property
    def is_first_order(self) -> bool:
        return self.minimum is not None and self.minimum.kind != Order.MinimumKind.REPEAT


def summarise(*, cart: Cart, lines: list[CartLine]) -> CartSummary:
    """Price the cart at today's rate and say how far it is from the merchant's minimum."""
    try:
        rate = rate_in_force(currency=cart.merchant.currency)
    except OrderError as exc:
        return CartSummary([], None, None, None, None, exc)
    priced = price_lines(items=[(line.product, line.quantity) for line in lines], rate=rate)
    subtotal = sum((line.total for line in priced), Money(Decimal(0), rate.currency))
    subtotal_sar = sum((line.total_sar for line in priced), Money(Decimal(0), BASE_CURRENCY))
    return CartSummary(
        priced,
        rate,
        subtotal,
        subtotal_sar,
        minimum_for(merchant=cart.merchant, rate=rate),
        None,
        vat_rate_for(country=cart.merchant.country),
    )


def checkout(*, cart: Cart, placed_by: User, delivery_mode: str) -> Order:
    """Place the cart as an order (every rule re-checked on the server) and empty it."""
    with transaction.atomic():
        # Locked, so that a second click on "place the order" waits, then finds the cart empty.
        cart = Cart.objects.select_for_update(of=("self",)).get(pk=cart.pk)
        lines = list(cart.lines.select_related("product"))
        order = place_order(
            merchant=cart.merchant,
            placed_by=placed_by,
            items=[(line.product, line.quantity) for line in lines],
            delivery_mode=delivery_mode,
        )
        cart.lines.all().delete()
    return order
