"""Refunds asked for by finance (full or partial), sent to the provider, confirmed by what the provider says.

Stripe's refunds are confirmed by Stripe's events; the Saudi providers answer a refund synchronously, so their
payment is read again at once. A bank transfer is refunded by finance from the store's bank account; the
refund is recorded as made by the staff member who records it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from merchants.models import User
from orders import services as orders
from orders.money import Money
from payments.errors import PaymentError, ProviderUnavailable, RefundNotAllowed, RefundUnconfirmed
from payments.models import Payment, Provider, Refund
from payments.providers import REFUNDS_CONFIRMED_BY_EVENT, get_provider
from payments.services import machines
from payments.services.records import _confirm, apply_provider_state, record_action, settle_order
from portal.state import lock as lock_row

#: providers that take our refund's idempotency key (Stripe's Idempotency-Key, Tabby's reference_id)
IDEMPOTENT_REFUNDS = {Provider.STRIPE, Provider.TABBY}


def _record_answer(refund_id: int, *, to: str, **changes: Any) -> None:
    """Record the provider's answer to a refund (received with no lock held) under the refund's row lock; a refund
    the provider's state has meanwhile settled is left as it is."""
    with transaction.atomic():
        refund = lock_row(Refund, refund_id)
        if refund.status in (Refund.Status.REQUESTED, Refund.Status.PENDING):
            machines.set_status(machines.REFUND, refund, to=to, changes=changes)


def refundable(payment: Payment) -> Decimal:
    """What remains refundable on a payment: its amount less refunds that are not failed (pending ones count)."""
    taken = payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return payment.amount - taken


def request_refund(
    *, payment: Payment, amount: Decimal, reason: str, by: User, ip_address: str | None = None
) -> Refund:
    """Refund `amount` of a payment (finance staff); refused above what remains refundable.

    A refund whose provider answer was lost stays pending with its idempotency key (it still counts against what
    is refundable); asking again for the same amount on the same payment sends that refund again with the same
    key, and the provider's state or event settles it.
    """
    with transaction.atomic():
        orders.lock_order(payment.order_id)  # the lock order: the order before its payment's rows
        payment = lock_row(Payment, payment.pk, related=("attempt__order",))
        amount = Money(amount, payment.currency).amount
        unanswered = (
            payment.refunds.filter(status=Refund.Status.PENDING, provider_reference="", amount=amount)
            .exclude(idempotency_key="")
            .order_by("pk")
            .first()
        )
        if unanswered is not None:
            refund = unanswered
            record_action(
                order=payment.order,
                attempt=payment.attempt,
                action="refund_resent",
                source="admin",
                by=by,
                amount=amount,
                note=reason,
                ip_address=ip_address,
            )
        else:
            if amount <= 0 or amount > refundable(payment):
                raise RefundNotAllowed
            refund = Refund.objects.create(
                order=payment.order,
                payment=payment,
                amount=amount,
                currency=payment.currency,
                reason=reason,
                requested_by=by,
                ip_address=ip_address,
            )
            refund.idempotency_key = f"refund-{refund.pk}"
            refund.save(update_fields=["idempotency_key"])
            record_action(
                order=payment.order,
                attempt=payment.attempt,
                action="refund_requested",
                source="admin",
                by=by,
                amount=amount,
                note=reason,
                ip_address=ip_address,
            )
        if payment.provider == Provider.BANK_TRANSFER:
            refund.provider_reference = f"{payment.reference}:refund:{refund.pk}"
            refund.save(update_fields=["provider_reference"])
            _confirm(refund, source="admin")
            settle_order(order=payment.order, source="admin", by=by)
            return refund
    if unanswered is not None and payment.provider not in IDEMPOTENT_REFUNDS:
        # This provider takes no idempotency key: read its state first; if the refund was made, that confirms it.
        apply_provider_state(attempt_id=payment.attempt_id, source=payment.provider, by=by)
        refund.refresh_from_db()
        if refund.status != Refund.Status.PENDING or refund.provider_reference:
            return refund
    try:
        made = get_provider(payment.provider).refund(attempt=payment.attempt, payment=payment, refund=refund)
    except ProviderUnavailable as exc:
        # The request may have reached the provider: the refund stays pending (and counted) with its key.
        _record_answer(
            refund.pk,
            to=Refund.Status.PENDING,
            failure_message="No answer from the provider; waiting for its confirmation.",
        )
        record_action(
            order=payment.order,
            attempt=payment.attempt,
            action="refund_unconfirmed",
            source=payment.provider,
            amount=amount,
            note=exc.code,
        )
        raise RefundUnconfirmed from exc
    except PaymentError as exc:
        _record_answer(
            refund.pk,
            to=Refund.Status.FAILED,
            failure_message=str(exc.params.get("provider_answer") or exc.message)[:300],
        )
        record_action(
            order=payment.order,
            attempt=payment.attempt,
            action="refund_failed",
            source=payment.provider,
            amount=amount,
            note=exc.code,
        )
        raise
    _record_answer(refund.pk, to=Refund.Status.PENDING, provider_reference=made.reference, failure_message="")
    if payment.provider not in REFUNDS_CONFIRMED_BY_EVENT:
        apply_provider_state(attempt_id=payment.attempt_id, source=payment.provider, by=by)
    refund.refresh_from_db()
    return refund
