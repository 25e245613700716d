"""The disclosure ledger: every time personal data leaves for a third party, one record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from privacy.models import Disclosure

Recipient = Disclosure.Recipient
Category = Disclosure.Category


def record_disclosure(
    *,
    recipient: str,
    recipient_name: str,
    categories: Iterable[str],
    purpose: str,
    merchant: Any = None,
    user: Any = None,
    order: Any = None,
) -> Disclosure:
    """Record that `categories` of personal data went to `recipient_name` (a payment provider, carrier or
    email service) for `purpose`, about `merchant`/`user`, for `order`. Call it where the data is sent."""
    categories = list(dict.fromkeys(categories))
    unknown = set(categories) - set(Category.values)
    if unknown:
        raise ValueError(f"unknown data categories: {sorted(unknown)}")
    if recipient not in Recipient.values:
        raise ValueError(f"unknown recipient kind: {recipient}")
    if merchant is None and order is not None:
        merchant = order.merchant
    return Disclosure.objects.create(
        recipient=recipient,
        recipient_name=recipient_name,
        categories=categories,
        purpose=purpose[:200],
        merchant=merchant,
        user=user,
        order=order,
    )


def record_emails_sent(*, to: Iterable[str], template: str) -> list[Disclosure]:
    """Record that an email went through the email service to these addresses (when EMAIL_SERVICE_NAME names
    an outside service; the console and test backends disclose nothing). Called by portal.emails."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    service = getattr(settings, "EMAIL_SERVICE_NAME", "")
    if not service:
        return []
    addresses = [address.lower() for address in to]
    purpose = "Email: " + template.rsplit("/", 1)[-1].replace("_", " ")
    users = get_user_model().objects.filter(email__in=addresses).prefetch_related("memberships__merchant")
    return [
        record_disclosure(
            recipient=Recipient.EMAIL_SERVICE,
            recipient_name=service,
            categories=[Category.NAME, Category.EMAIL],
            purpose=purpose,
            user=user,
            merchant=next((m.merchant for m in user.memberships.all()), None),
        )
        for user in users
    ]
