"""Emails of white-label shipping: to the merchant, to consignees (in the merchant's name), to fulfilment staff."""

from __future__ import annotations

import logging
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from orders.models import Order
from portal.emails import send_templated_email
from shipping import leak_guard
from shipping.models import Shipment

logger = logging.getLogger(__name__)

#: how many tracking numbers the merchant's notice lists before pointing to the portal
LISTED = 20


def notify_merchant(*, order: Order, shipments: list[Shipment]) -> None:
    """Tell the member who placed the order that its parcels are booked (and which failed)."""
    person = order.placed_by
    booked = [s for s in shipments if s.status not in {Shipment.Status.FAILED, Shipment.Status.CANCELLED}]
    failed = [s for s in shipments if s.status == Shipment.Status.FAILED]
    send_templated_email(
        to=[person.email],
        template="shipping/email/merchant_shipped",
        context={
            "order": order,
            "booked": booked[:LISTED],
            "booked_count": len(booked),
            "more": max(len(booked) - LISTED, 0),
            "failed_count": len(failed),
            "url": settings.SITE_URL + reverse("shipping:order_shipments", args=[order.reference]),
        },
        language=person.language,
    )


def notify_consignee(*, shipment: Shipment, kit: Any, language: str) -> bool:
    """Email the consignee that their parcel is on its way, in the merchant's name; False if withheld.

    The notice passes the leak guard like any document: if it would name the store, it is not sent.
    """
    consignee = shipment.consignee
    if not consignee.email:
        return False
    context = {"shipment": shipment, "consignee": consignee, "sender_name": kit.sender_name}
    with translation.override(language):
        subject = " ".join(render_to_string("shipping/email/consignee_booked_subject.txt", context).split())
        text = render_to_string("shipping/email/consignee_booked.txt", context)
        html = render_to_string("shipping/email/consignee_booked.html", context)
    sender = formataddr((kit.sender_name, settings.SHIPPING_NOTICE_FROM_EMAIL))
    if leak_guard.find_leaks("\n".join([sender, subject, text, html])):
        logger.warning("consignee notice withheld by the leak guard", extra={"shipment": shipment.reference})
        return False
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=sender, to=[consignee.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def fulfilment_staff() -> list[Any]:
    """Active staff members with the fulfilment role."""
    return list(get_user_model().objects.filter(is_active=True, is_staff=True, groups__name="fulfilment").distinct())


def alert_fulfilment(*, order: Order, shipment: Shipment, failed_count: int) -> None:
    """Tell fulfilment staff that shipments of an order failed and need a retry from the admin."""
    url = (
        settings.SITE_URL
        + reverse("admin:shipping_shipment_changelist")
        + f"?order__id__exact={order.pk}&status=failed"
    )
    for person in fulfilment_staff():
        send_templated_email(
            to=[person.email],
            template="shipping/email/staff_failed",
            context={"order": order, "shipment": shipment, "failed_count": failed_count, "url": url},
            language=person.language,
        )
