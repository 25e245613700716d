"""The orders domain's personal data, declared for the privacy features (see audit/registry.py).

Orders and invoices are the company's trade and tax records: the law keeps them, so erasing a member
leaves them whole (the link to the member points at the anonymised account). Carts are the member's
own and go with them; a cart left untouched is removed after a while.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.registry import COMPANY, PersonalData, delete_row, keep_row, register
from orders.models import Cart, Invoice, Order, OrderEvent

#: a cart nobody has touched for this long is removed
ABANDONED_CART_DAYS = 180

ORDER_FIELDS = (
    "reference",
    "status",
    "placed_at",
    "delivery_mode",
    "currency",
    "subtotal",
    "vat_amount",
    "total",
)


def _abandoned_carts() -> Any:
    return Cart.objects.filter(updated_at__lt=timezone.now() - timedelta(days=ABANDONED_CART_DAYS))


register(
    PersonalData(
        model=Order,
        rows_of=lambda person: Order.objects.filter(placed_by=person),
        export_fields=ORDER_FIELDS,
        erase=keep_row,
        retained_fields=ORDER_FIELDS,
        purpose=_("The orders you placed for your company, kept as trade and tax law requires."),
        scope=COMPANY,
    )
)

register(
    PersonalData(
        model=OrderEvent,
        rows_of=lambda person: OrderEvent.objects.filter(by=person).select_related("order"),
        export_fields=("order", "status", "source", "note", "ip_address", "at"),
        erase=keep_row,
        personal_fields=("ip_address",),  # where a change came from: masked for staff without the permission
        retained_fields=("order", "status", "source", "note", "at"),
        purpose=_("The history of your company's orders: who changed what, and when."),
        scope=COMPANY,
    )
)

register(
    PersonalData(
        model=Invoice,
        rows_of=lambda person: Invoice.objects.filter(order__placed_by=person).select_related("order"),
        export_fields=("order", "kind", "number", "issued_at"),
        erase=keep_row,
        retained_fields=("order", "kind", "number", "issued_at", "pdf"),
        purpose=_("Invoices for your company's orders, kept as tax law requires."),
        scope=COMPANY,
    )
)

register(
    PersonalData(
        model=Cart,
        rows_of=lambda person: Cart.objects.filter(user=person),
        export_fields=("merchant", "updated_at"),
        erase=delete_row,
        retention=timedelta(days=ABANDONED_CART_DAYS),
        expired=_abandoned_carts,
        purpose=_("The products you put in your cart before ordering."),
    )
)
