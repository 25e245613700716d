"""Corrections a member makes to their own details in the privacy centre."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from audit.models import SecurityEvent
from audit.security import Kind, record_event
from merchants.models import Application, Merchant, User


def update_profile(*, user: User, full_name: str, language: str) -> Any:
    """Correct the member's name and language."""
    with transaction.atomic():
        user = get_user_model().objects.select_for_update(of=("self",)).get(pk=user.pk)
        user.full_name = full_name.strip()
        user.language = language
        user.save(update_fields=["full_name", "language"])
    return user


#: the company's contact details an owner corrects in the privacy centre (encrypted at rest)
COMPANY_CONTACT_FIELDS = ("contact_name", "contact_phone", "address")


def company_application(*, merchant: Merchant) -> Application | None:
    """The application the company was approved on: it holds the company's contact details."""
    return Application.objects.filter(merchant=merchant).first()


def correct_company_contact(
    *, application: Application, by: User, values: dict[str, str], request: Any = None
) -> list[str]:
    """An owner corrects the company's contact details (after re-authentication); each changed field is
    recorded as a sensitive change, by name only. Returns the names of the fields that changed."""
    with transaction.atomic():
        application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        changed = [
            name
            for name in COMPANY_CONTACT_FIELDS
            if name in values and getattr(application, name) != values[name].strip()
        ]
        for name in changed:
            setattr(application, name, values[name].strip())
        if changed:
            application.save(update_fields=changed)
        for name in changed:
            record_event(
                Kind.SENSITIVE_CHANGE,
                request,
                user=by,
                field=name,
                merchant_id=application.merchant_id,
                application_id=application.pk,
            )
    return changed


def request_email_change(*, request: Any, user: User, email: str) -> EmailAddress:
    """Start changing the sign-in email (after re-authentication): the new address must be confirmed first."""
    address = EmailAddress.objects.add_new_email(request, user, email)
    record_event(
        Kind.SENSITIVE_CHANGE, request, user=user, field="email", stage="requested", pending_email_id=address.pk
    )
    return address


def on_email_confirmed(*, request: Any, email_address: EmailAddress) -> None:
    """A confirmed address from a change requested in the privacy centre becomes the sign-in email."""
    requested = SecurityEvent.objects.filter(
        kind=Kind.SENSITIVE_CHANGE, user_id=email_address.user_id, details__pending_email_id=email_address.pk
    ).exists()
    if not requested or email_address.primary:
        return
    with transaction.atomic():
        previous = EmailAddress.objects.filter(user_id=email_address.user_id, primary=True).first()
        email_address.set_as_primary()
        EmailAddress.objects.filter(user_id=email_address.user_id).exclude(pk=email_address.pk).delete()
    record_event(Kind.SENSITIVE_CHANGE, request, user=email_address.user, field="email", stage="confirmed")
    if previous is not None:  # the old address hears of the change, as with allauth's own email change
        get_adapter(request).send_notification_mail(
            "account/email/email_changed",
            email_address.user,
            context={"from_email": previous.email, "to_email": email_address.email},
            email=previous.email,
        )
