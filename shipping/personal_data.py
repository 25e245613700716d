"""Shipping's personal data, declared for the privacy features (see privacy/registry.py).

Consignees are the merchant's customers: kept while their parcel travels, then erased (names, phones,
addresses, and the slips and labels that print them) once the retention time after delivery is over.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacy.registry import COMPANY, PersonalData, blank_fields, register
from shipping.models import Consignee, Shipment

ERASED_FIELDS = ("name", "phone", "email", "address_line1", "address_line2", "city", "postal_code")
SETTLED = (Shipment.Status.DELIVERED, Shipment.Status.RETURNED, Shipment.Status.CANCELLED)

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


def expired_consignees() -> QuerySet[Consignee]:
    """Consignees whose parcel settled (delivered, returned, cancelled) longer ago than the retention time."""
    cutoff = timezone.now() - timedelta(days=settings.PRIVACY_CONSIGNEE_RETENTION_DAYS)
    return Consignee.objects.filter(
        erased_at__isnull=True, shipment__status__in=SETTLED, shipment__updated_at__lt=cutoff
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
        retention=timedelta(days=settings.PRIVACY_CONSIGNEE_RETENTION_DAYS),
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
