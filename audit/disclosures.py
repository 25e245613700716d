"""The disclosure ledger: every time personal data leaves for a third party, one record."""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from audit.models import Disclosure

Recipient = Disclosure.Recipient
Category = Disclosure.Category


def record_disclosure(
    *,
    recipient: str,
    recipient_name: str,
    categories: Iterable[str],
    purpose: str,
    merchant: Any = None,
    user: AbstractBaseUser | None = None,
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
        user=user,  # type: ignore[misc]  # the project's user model, which `audit` may not name
        order=order,
    )


def record_emails_sent(*, to: Iterable[str], purpose: str, service: str) -> list[Disclosure]:
    """Record that one email went through the outside email service `service` to these addresses: one
    disclosure for each member among them (found by their login or any other address of theirs, such as a new
    one being verified). Called by the email backend (portal.mail) for every message it sends."""
    addresses = {parseaddr(address)[1].lower() for address in to} - {""}
    if not addresses:
        return []
    by_address = Q()
    for address in sorted(addresses):
        by_address |= Q(email__iexact=address)
    other_addresses = EmailAddress.objects.filter(by_address).values("user_id")
    users = (
        get_user_model()
        .objects.filter(by_address | Q(pk__in=other_addresses))
        .prefetch_related("memberships__merchant")
        .order_by("pk")
    )
    return [
        record_disclosure(
            recipient=Recipient.EMAIL_SERVICE,
            recipient_name=service,
            categories=[Category.NAME, Category.EMAIL],
            purpose=purpose,
            user=user,
            merchant=_first_merchant(user),
        )
        for user in users
    ]


# `Any`: `memberships` is the reverse relation of merchants' Membership, on the project's user model, which
# `audit` may not name (AbstractBaseUser has no `memberships`).
def _first_merchant(user: Any) -> Any:
    """The member's company (their first membership's, for the rare member of several)."""
    memberships = sorted(user.memberships.all(), key=lambda m: m.pk)
    return memberships[0].merchant if memberships else None
