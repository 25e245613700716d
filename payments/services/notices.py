"""Emails to the merchant about its bank transfer, in the member's language, each sent once."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from payments.models import PaymentAction
from payments.selectors import payment_summary
from portal.emails import send_templated_email

#: history actions the merchant is told about
NOTICES = {"transfer_reminder", "transfer_partial", "transfer_not_received", "transfer_expired", "transfer_full"}


def send_notice(*, action_id: int) -> int:
    """Email the member who chose the transfer about one history entry; a second run sends nothing."""
    with transaction.atomic():
        action = (
            PaymentAction.objects.select_for_update(of=("self",))
            .select_related("order__merchant", "attempt__created_by")
            .get(pk=action_id)
        )
        if action.notified_at is not None or action.action not in NOTICES:
            return 0
        member = action.attempt.created_by if action.attempt else None
        if member is None or not member.is_active:
            return 0
        order = action.order
        transfer = getattr(order, "bank_transfer", None)
        send_templated_email(
            to=[member.email],
            template="payments/email/transfer",
            context={
                "action": action.action,
                "order": order,
                "transfer": transfer,
                "amount": action.amount,
                "due": payment_summary(order=order).due,
                "link": reverse("pay:bank_transfer", args=[order.reference]),
            },
            language=member.language,
        )
        action.notified_at = timezone.now()
        action.save(update_fields=["notified_at"])
    return 1
