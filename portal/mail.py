"""The email backend of the portal: every message goes through the real backend (EMAIL_URL), and each one sent
through an outside email service (EMAIL_SERVICE_NAME) is recorded in the disclosure ledger for the members it
went to, whoever composed it (our templates, allauth's verification, password-reset and email-changed notices).

Settings::

    EMAIL_BACKEND = "portal.mail.LedgerEmailBackend"
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # from EMAIL_URL

Recipients that are not members (a merchant's consignees) are recorded by the code that sends to them, which
knows the company and the order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from audit.disclosures import record_emails_sent

#: a message may name its purpose for the ledger (portal.emails does, from its template); otherwise its subject
PURPOSE_ATTRIBUTE = "ledger_purpose"


class LedgerEmailBackend(BaseEmailBackend):
    """Send through `EMAIL_DELIVERY_BACKEND`, then record one disclosure per sent message and member recipient."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        # Django's own default, as when EMAIL_BACKEND is not set.
        backend = getattr(settings, "EMAIL_DELIVERY_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
        self.delivery = get_connection(backend, fail_silently=fail_silently, **kwargs)

    def open(self) -> bool | None:
        return self.delivery.open()

    def close(self) -> None:
        self.delivery.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        created = self.delivery.open()
        sent = 0
        try:
            # One at a time, so that the ledger holds exactly the messages the service accepted.
            for message in email_messages:
                if self.delivery.send_messages([message]):
                    sent += 1
                    record_message(message)
        finally:
            if created:
                self.delivery.close()
        return sent


def message_purpose(message: EmailMessage) -> str:
    """What the ledger says the email was for."""
    purpose = getattr(message, PURPOSE_ATTRIBUTE, "")
    return purpose or "Email: " + " ".join(str(message.subject).split())


def record_message(message: EmailMessage) -> list[Any]:
    """Record that `message` went through the outside email service to the members among its recipients."""
    service = getattr(settings, "EMAIL_SERVICE_NAME", "")
    if not service:
        return []  # the console, file and test backends disclose nothing
    return record_emails_sent(to=message.recipients(), purpose=message_purpose(message), service=service)
