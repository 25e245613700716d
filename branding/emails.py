"""Notices about branding requests: to the merchant's members, or to the designers, in their language."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from branding.models import BrandingRequest
from merchants.models import Membership
from portal.emails import send_templated_email


def to_merchant(request: BrandingRequest, event: str) -> None:
    """Tell the merchant's owners and the requester what happened."""
    members = Membership.objects.filter(merchant=request.merchant).filter(role=Membership.Role.OWNER)
    recipients = {request.requested_by.email, *members.values_list("user__email", flat=True)}
    send_templated_email(
        to=sorted(recipients),
        template="branding/email/update",
        context={
            "request": request,
            "event": event,
            "to_staff": False,
            "link": reverse("branding:detail", args=[request.reference]),
        },
        language=request.merchant.language,
    )


def to_designers(request: BrandingRequest, event: str) -> None:
    """Tell the staff with the designer role what happened."""
    designers = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name="designer")
    emails = sorted(designers.values_list("email", flat=True))
    if emails:
        send_templated_email(
            to=emails,
            template="branding/email/update",
            context={
                "request": request,
                "event": event,
                "to_staff": True,
                "link": reverse("admin:branding_brandingrequest_change", args=[request.pk]),
            },
            language="en",
        )
