"""What payments adds to an order's page in the portal (see orders.extensions)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from merchants.access import ACTING_ROLES
from orders.extensions import OrderLink
from orders.models import Order


def order_links(order: Order, membership: Any) -> list[OrderLink]:
    url = reverse("pay:order", args=[order.reference])
    if order.status == Order.Status.AWAITING_PAYMENT and membership.role in ACTING_ROLES:
        return [OrderLink(_("Pay this order"), url, primary=True)]
    return [OrderLink(_("Payment"), url)]
