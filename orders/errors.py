"""What the orders domain refuses, each with a stable code and a message for the person who tried."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from portal import state
from portal.errors import DomainError


class OrderError(DomainError):
    """A refused order: a stable `code` and a translated `message`."""

    code = "order_error"
    message: Any = _("This order cannot be placed.")


class NoRate(OrderError):
    code = "no_rate"
    message = _("We have no exchange rate for this currency yet. Please contact us to order in it.")


class StaleRate(OrderError):
    code = "stale_rate"
    message = _(
        "The exchange rate for this currency is out of date, so ordering in it is paused. "
        "Please try again later or contact us."
    )


class EmptyOrder(OrderError):
    code = "empty_order"
    message = _("Add at least one product before placing the order.")


class InvalidQuantity(OrderError):
    code = "invalid_quantity"


class ProductUnavailable(OrderError):
    code = "product_unavailable"


class BelowMinimum(OrderError):
    code = "below_minimum"


class IllegalTransition(OrderError, state.IllegalTransition):
    """A status move the order's table does not allow (the code stays the one callers already read)."""

    code = "illegal_transition"
    message = _("This order cannot move to that status now.")


__all__ = [
    "BelowMinimum",
    "EmptyOrder",
    "IllegalTransition",
    "InvalidQuantity",
    "NoRate",
    "OrderError",
    "ProductUnavailable",
    "StaleRate",
]
