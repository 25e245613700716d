"""Emails to applicants and invited members, in their language, each sent once by a task.

Services enqueue `merchants.tasks.notify_application_event` (a step of an application) or
`merchants.tasks.send_invitation` with `portal.notices.notify_on_commit`; the task calls the function
here that sends through `portal.notices.send_once` with the row's marker (`ApplicationEvent.notified_at`,
`Invitation.sent_at`), so a second run sends nothing and a failed send is retried.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from merchants.models import Application, ApplicationEvent, Invitation
from portal.emails import send_templated_email
from portal.notices import send_once

INVITATION_SALT = "merchants.invitation"

#: the email each step of an application sends to the applicant (an answer sends none)
APPLICATION_TEMPLATES: dict[str, str] = {
    ApplicationEvent.Action.SUBMITTED: "received",
    ApplicationEvent.Action.ASKED: "information_requested",
    ApplicationEvent.Action.APPROVED: "approved",
    ApplicationEvent.Action.REJECTED: "rejected",
}


def invitation_token(invitation: Invitation) -> str:
    """The signed, expiring token of an invitation's link."""
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def _to_applicant(application: Application, template: str) -> None:
    send_templated_email(
        to=[application.applicant.email],
        template=f"merchants/email/{template}",
        context={"application": application, "status_url": reverse("merchants:apply")},
        language=application.language,
    )


def invitation(invitation: Invitation, token: str) -> None:
    send_templated_email(
        to=[invitation.email],
        template="merchants/email/invitation",
        context={"invitation": invitation, "accept_url": reverse("merchants:accept_invitation", args=[token])},
        language=invitation.merchant.language,
    )


def _send_event(event: ApplicationEvent) -> int:
    template = APPLICATION_TEMPLATES.get(event.action)
    if template is None:
        return 0
    _to_applicant(event.application, template)
    return 1


def send_application_notice(*, event_id: int) -> int:
    """Email the applicant about one step of their application; a second run sends nothing."""
    return send_once(ApplicationEvent, event_id, marker="notified_at", send=_send_event)


def _send_invitation(row: Invitation) -> int:
    invitation(row, invitation_token(row))
    return 1


def send_invitation(*, invitation_id: int) -> int:
    """Email the invitation's link to the invited address; a second run sends nothing.

    An invitation replaced (deleted) before its email went out sends nothing."""
    return send_once(Invitation, invitation_id, marker="sent_at", send=_send_invitation)
