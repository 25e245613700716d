"""Emails to the merchant about its bank transfer, in the member's language, each sent once.

Enqueued after commit by `transfers` (`portal.notices.notify_on_commit`); sent by the `send_payment_notice`
task through `portal.notices.send_once`, with `PaymentAction.notified_at` as the row's marker: no row lock
is held while the email goes out, and a second run sends nothing.
"""

from __future__ import annotations

from django.urls import reverse

from merchants.models import User
from payments.models import PaymentAction
from payments.selectors import payment_summary
from portal.emails import send_templated_email
from portal.notices import send_once

#: history actions the merchant is told about
NOTICES = {"transfer_reminder", "transfer_partial", "transfer_not_received", "transfer_expired", "transfer_full"}


def send_notice(*, action_id: int) -> int:
    """Email the member who chose the transfer about one history entry; a second run sends nothing."""
    action = PaymentAction.objects.select_related("order__merchant", "attempt__created_by").get(pk=action_id)
    member = action.attempt.created_by if action.attempt else None
    if action.notified_at is not None or action.action not in NOTICES or member is None or not member.is_active:
        return 0
    return send_once(PaymentAction, action_id, marker="notified_at", send=lambda _claimed: _send(action, member))


def _send(action: PaymentAction, member: User) -> int:
    order = action.order
    send_templated_email(
        to=[member.email],
        template="payments/email/transfer",
        context={
            "action": action.action,
            "order": order,
            "transfer": getattr(order, "bank_transfer", None),
            "amount": action.amount,
            "due": payment_summary(order=order).due,
            "link": reverse("pay:bank_transfer", args=[order.reference]),
        },
        language=member.language,
    )
    return 1
