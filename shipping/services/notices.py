"""Emails of white-label shipping: to the merchant, to consignees (in the merchant's name), to fulfilment staff."""

from __future__ import annotations

import logging
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import make_msgid
from django.urls import reverse

from audit.disclosures import record_disclosure
from audit.models import Disclosure
from orders.models import Order
from portal import leak_guard
from portal.emails import build_templated_email, send_templated_email
from portal.mail import PURPOSE_ATTRIBUTE
from portal.roles import staff_with_role
from shipping.errors import NoticeWithheld
from shipping.models import Shipment

logger = logging.getLogger(__name__)

#: how many tracking numbers the merchant's notice lists before pointing to the portal
LISTED = 20
CONSIGNEE_NOTICE_PURPOSE = "Notice to a white-label consignee that their parcel is booked"


def _email_merchant(order: Order, template: str, **context: Any) -> None:
    """An email to the member who placed the order, in their language, with the link to its shipments."""
    person = order.placed_by
    send_templated_email(
        to=[person.email],
        template=template,
        context={
            "order": order,
            "url": settings.SITE_URL + reverse("shipping:order_shipments", args=[order.reference]),
            **context,
        },
        language=person.language,
    )


def notify_merchant(*, order: Order, shipments: list[Shipment]) -> None:
    """Tell the member who placed the order that its parcels are booked (and which failed)."""
    booked = [s for s in shipments if s.status not in {Shipment.Status.FAILED, Shipment.Status.CANCELLED}]
    failed = [s for s in shipments if s.status == Shipment.Status.FAILED]
    _email_merchant(
        order,
        "shipping/email/merchant_shipped",
        booked=booked[:LISTED],
        booked_count=len(booked),
        more=max(len(booked) - LISTED, 0),
        failed_count=len(failed),
    )


def notify_merchant_tracking(*, order: Order, shipments: list[Shipment]) -> None:
    """Give the member who placed the order the tracking numbers typed at hand-over, all parcels at once."""
    _email_merchant(
        order,
        "shipping/email/merchant_tracking",
        shipments=shipments[:LISTED],
        count=len(shipments),
        more=max(len(shipments) - LISTED, 0),
    )


def notify_consignee(*, shipment: Shipment, kit: Any, language: str) -> bool:
    """Email the consignee that their parcel is on its way, in the merchant's name; False without an address.

    The notice passes the leak guard like any document, headers included: if it would name the store, it
    is not sent and `NoticeWithheld` is raised for the caller to record and report.
    """
    consignee = shipment.consignee
    if not consignee.email:
        return False
    sender = formataddr((kit.sender_name, settings.SHIPPING_NOTICE_FROM_EMAIL))
    # The Message-ID names the notice sender's domain, never the host it was sent from (ours).
    domain = settings.SHIPPING_NOTICE_FROM_EMAIL.rsplit("@", 1)[-1]
    message = build_templated_email(
        to=[consignee.email],
        template="shipping/email/consignee_booked",
        context={"shipment": shipment, "consignee": consignee, "sender_name": kit.sender_name},
        language=language,
        from_email=sender,
        headers={"Message-ID": make_msgid(domain=domain)},
    )
    headers = "\n".join(f"{name}: {value}" for name, value in message.message().items())
    html = str(message.alternatives[0][0])
    leaks = leak_guard.find_leaks("\n".join([headers, sender, str(message.subject), str(message.body), html]))
    if leaks:
        logger.warning("consignee notice withheld by the leak guard", extra={"shipment": shipment.reference})
        raise NoticeWithheld(what=", ".join(leak.label for leak in leaks))
    setattr(message, PURPOSE_ATTRIBUTE, CONSIGNEE_NOTICE_PURPOSE)
    if message.send() and settings.EMAIL_SERVICE_NAME:
        # The consignee is not a member, so the mail backend cannot record this one: we do.
        record_disclosure(
            recipient=Disclosure.Recipient.EMAIL_SERVICE,
            recipient_name=settings.EMAIL_SERVICE_NAME,
            categories=[Disclosure.Category.NAME, Disclosure.Category.EMAIL],
            purpose=CONSIGNEE_NOTICE_PURPOSE,
            merchant=shipment.order.merchant,
            order=shipment.order,
        )
    return True


def _email_fulfilment(template: str, **context: Any) -> None:
    """An email to each member of the fulfilment staff, in their language."""
    for person in staff_with_role("fulfilment"):
        send_templated_email(to=[person.email], template=template, context=context, language=person.language)


def alert_notice_withheld(*, order: Order, shipment: Shipment) -> None:
    """Tell fulfilment staff that a consignee notice was withheld by the leak guard (the parcel is booked)."""
    url = settings.SITE_URL + reverse("admin:shipping_shipment_change", args=[shipment.pk])
    _email_fulfilment("shipping/email/staff_notice_withheld", order=order, shipment=shipment, url=url)


def alert_fulfilment(*, order: Order, shipment: Shipment, failed_count: int) -> None:
    """Tell fulfilment staff that shipments of an order failed and need a retry from the admin."""
    url = (
        settings.SITE_URL
        + reverse("admin:shipping_shipment_changelist")
        + f"?order__id__exact={order.pk}&status=failed"
    )
    _email_fulfilment("shipping/email/staff_failed", order=order, shipment=shipment, failed_count=failed_count, url=url)
