"""What white-label shipping adds to an order's page in the portal (see orders.extensions)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from merchants.access import ACTING_ROLES
from orders.extensions import OrderLink
from orders.models import Order
from shipping.services import consignees_editable


def order_links(order: Order, membership: Any) -> list[OrderLink]:
    if order.delivery_mode != Order.Delivery.WHITE_LABEL:
        return []
    url = reverse("shipping:consignees", args=[order.reference])
    count = order.consignees.count()
    if count == 0 and membership.role in ACTING_ROLES and consignees_editable(order):
        return [OrderLink(_("Add the consignees"), url, primary=True)]
    return [OrderLink(_("Consignees and shipments (%(count)s)") % {"count": count}, url)]
