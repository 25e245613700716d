"""Shipping's personal data, declared for the privacy features (see audit/registry.py).

Consignees are the merchant's customers: kept while their parcel travels, then erased (names, phones,
addresses, and the slips and labels that print them) once the retention time after delivery is over,
or after their order was cancelled, rejected or refunded without being shipped.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.registry import COMPANY, PersonalData, blank_fields, register
from orders.models import Order, OrderEvent
from shipping.models import Consignee, Shipment

ERASED_FIELDS = ("name", "phone", "email", "address_line1", "address_line2", "city", "postal_code")
SETTLED = (Shipment.Status.DELIVERED, Shipment.Status.RETURNED, Shipment.Status.CANCELLED)
#: orders closed before (or instead of) shipping, and the shipment states of a parcel that never left
CLOSED_ORDERS = (Order.Status.CANCELLED, Order.Status.REJECTED, Order.Status.REFUNDED)
NEVER_SHIPPED = (Shipment.Status.PENDING, Shipment.Status.PREPARING, Shipment.Status.FAILED, Shipment.Status.CANCELLED)

_blank = blank_fields(*ERASED_FIELDS, phone_hmac="", erased_at=lambda row: timezone.now())


def erase_consignee(consignee: Consignee) -> None:
    """Blank the consignee and delete the documents that print their address."""
    shipment = Shipment.objects.filter(consignee=consignee).first()
    if shipment is not None:
        for document in (shipment.slip, shipment.label):
            if document:
                document.delete(save=False)
        shipment.save(update_fields=["slip", "label"])
    _blank(consignee)


def retention_period() -> timedelta:
    """How long a consignee is kept once their parcel settled or their order closed unshipped."""
    return timedelta(days=settings.PRIVACY_CONSIGNEE_RETENTION_DAYS)


def expired_consignees() -> QuerySet[Consignee]:
    """Consignees kept longer than the retention time after their parcel settled (delivered, returned,
    cancelled), or after their order was closed (cancelled, rejected, refunded) without being shipped."""
    cutoff = timezone.now() - retention_period()
    # When the order reached its closing status: the latest history entry for that status.
    closed_at = (
        OrderEvent.objects.filter(order=OuterRef("order"), status=OuterRef("order__status"))
        .order_by("-at")
        .values("at")[:1]
    )
    settled = Q(shipment__status__in=SETTLED, shipment__updated_at__lt=cutoff)
    closed_unshipped = Q(order__status__in=CLOSED_ORDERS, closed_at__lt=cutoff) & (
        Q(shipment__isnull=True) | Q(shipment__status__in=NEVER_SHIPPED)
    )
    return (
        Consignee.objects.filter(erased_at__isnull=True)
        .annotate(closed_at=Subquery(closed_at))
        .filter(settled | closed_unshipped)
    )


def _rows_of(person: Any) -> QuerySet[Consignee]:
    return Consignee.objects.filter(order__merchant__memberships__user=person, erased_at__isnull=True)


register(
    PersonalData(
        model=Consignee,
        rows_of=_rows_of,
        export_fields=("number", "country", "created_at"),
        # The merchant's customers' details are not the member's: only fulfilment staff read them in full.
        withheld_fields=ERASED_FIELDS,
        erase=erase_consignee,
        retained_fields=("country",),
        retention=retention_period(),
        expired=expired_consignees,
        on_expiry=erase_consignee,
        purpose=_(
            "Delivering the merchant's white-label orders to the merchant's customers. Their names, phones and "
            "addresses are readable only by our fulfilment staff, so they are not shown here or exported."
        ),
        scope=COMPANY,
        company_field="order__merchant",
    )
)
