"""Notices about branding requests, each to one person in that person's language.

The other side is told: what a member does reaches the designers, what staff do reaches the
merchant's members. A merchant's notice never names the staff member who acted.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse

from branding.models import BrandingRequest
from merchants.models import User
from portal.emails import send_templated_email
from portal.roles import staff_with_role


def merchant_recipients(request: BrandingRequest, *, besides: Any) -> QuerySet:
    """The merchant's members, except the person who acted."""
    return (
        get_user_model()
        .objects.filter(memberships__merchant_id=request.merchant_id, is_active=True)
        .exclude(pk=besides.pk)
        .distinct()
        .order_by("pk")
    )


def designer_recipients(*, besides: Any) -> QuerySet:
    """Active staff with the designer role, except the person who acted."""
    return staff_with_role("designer").exclude(pk=besides.pk)


def send_notice(*, request: BrandingRequest, actor: User, context: dict[str, Any]) -> int:
    """Email the other side of `actor` about `request`; returns how many people were told."""
    to_staff = not actor.is_staff
    recipients = designer_recipients(besides=actor) if to_staff else merchant_recipients(request, besides=actor)
    link = (
        reverse("admin:branding_brandingrequest_change", args=[request.pk])
        if to_staff
        else reverse("branding:detail", args=[request.reference])
    )
    sent = 0
    for person in recipients:
        send_templated_email(
            to=[person.email],
            template="branding/email/notice",
            context={**context, "request": request, "to_staff": to_staff, "link": link},
            language=person.language or request.merchant.language,
        )
        sent += 1
    return sent
