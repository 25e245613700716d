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

from orders.money import Money
from payments.errors import PaymentError, RefundNotAllowed
from payments.models import Payment, Provider, Refund
from payments.providers import REFUNDS_CONFIRMED_BY_EVENT, get_provider
from payments.services.records import _confirm, apply_provider_state, record_action, settle_order


def refundable(payment: Payment) -> Decimal:
    """What remains refundable on a payment: its amount less refunds that are not failed."""
    taken = payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return payment.amount - taken


def request_refund(*, payment: Payment, amount: Decimal, reason: str, by: Any) -> Refund:
    """Refund `amount` of a payment (finance staff); refused above what remains refundable."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("attempt__order").get(pk=payment.pk)
        amount = Money(amount, payment.currency).amount
        if amount <= 0 or amount > refundable(payment):
            raise RefundNotAllowed
        refund = Refund.objects.create(
            order=payment.order,
            payment=payment,
            amount=amount,
            currency=payment.currency,
            reason=reason,
            requested_by=by,
        )
        record_action(
            order=payment.order,
            attempt=payment.attempt,
            action="refund_requested",
            source="admin",
            by=by,
            amount=amount,
            note=reason,
        )
        if payment.provider == Provider.BANK_TRANSFER:
            refund.provider_reference = f"{payment.reference}:refund:{refund.pk}"
            refund.save(update_fields=["provider_reference"])
            _confirm(refund, source="admin")
            settle_order(order=payment.order, source="admin", by=by)
            return refund
    try:
        made = get_provider(payment.provider).refund(attempt=payment.attempt, payment=payment, refund=refund)
    except PaymentError as exc:
        Refund.objects.filter(pk=refund.pk).update(
            status=Refund.Status.FAILED, failure_message=str(exc.params.get("provider_answer") or exc.message)[:300]
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
    Refund.objects.filter(pk=refund.pk, status=Refund.Status.REQUESTED).update(
        status=Refund.Status.PENDING, provider_reference=made.reference
    )
    if payment.provider not in REFUNDS_CONFIRMED_BY_EVENT:
        apply_provider_state(attempt_id=payment.attempt_id, source=payment.provider, by=by)
    refund.refresh_from_db()
    return refund
