"""Emails to applicants and invited members, in their language."""

from __future__ import annotations

from django.urls import reverse

from merchants.models import Application, Invitation
from portal.emails import send_templated_email


def _to_applicant(application: Application, template: str) -> None:
    send_templated_email(
        to=[application.applicant.email],
        template=f"merchants/email/{template}",
        context={"application": application, "status_url": reverse("merchants:apply")},
        language=application.language,
    )


def application_received(application: Application) -> None:
    _to_applicant(application, "received")


def information_requested(application: Application) -> None:
    _to_applicant(application, "information_requested")


def application_approved(application: Application) -> None:
    _to_applicant(application, "approved")


def application_rejected(application: Application) -> None:
    _to_applicant(application, "rejected")


def invitation(invitation: Invitation, token: str) -> None:
    send_templated_email(
        to=[invitation.email],
        template="merchants/email/invitation",
        context={"invitation": invitation, "accept_url": reverse("merchants:accept_invitation", args=[token])},
        language=invitation.merchant.language,
    )
