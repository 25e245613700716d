"""Payment records: the attempt's transition table, the history, and turning a provider's state into rows.

`apply_state` is the one place where money is recorded from a provider. It runs with the attempt's row
locked and is idempotent: a payment is one row per provider reference, a refund one row per provider
reference, so a duplicate, a late or an out-of-order event changes nothing twice. Then `settle_order` moves
the order on: paid (orders' `mark_paid`, which issues the tax invoice; white-label shipping starts), or
refunded once everything received has been returned.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from merchants.models import User
from orders import services as orders
from orders.models import Order
from payments import providers
from payments.errors import IllegalTransition, PaymentError
from payments.models import BankTransfer, Payment, PaymentAction, PaymentAttempt, ProviderEvent, Refund
from payments.providers.base import ProviderState, from_minor
from payments.selectors import PaymentState, payment_summary
from payments.services import machines
from portal.state import lock as lock_row

logger = logging.getLogger(__name__)

S = PaymentAttempt.Status
TRANSITIONS = machines.ATTEMPT_TRANSITIONS
OPEN = {S.PENDING, S.PROCESSING, S.AUTHORISED, S.FAILED}


def record_action(
    *,
    order: Order,
    action: str,
    source: str,
    attempt: PaymentAttempt | None = None,
    by: User | None = None,
    amount: Decimal | None = None,
    note: str = "",
    ip_address: str | None = None,
) -> PaymentAction:
    """Add a line to the order's payment history (with the client's address when a person acted through a page)."""
    return PaymentAction.objects.create(
        order=order,
        attempt=attempt,
        action=action,
        amount=amount,
        currency=order.currency if amount is not None else "",
        by=by,
        source=source,
        note=note[:2000],
        ip_address=ip_address,
    )


def move_attempt(attempt: PaymentAttempt, *, to: str) -> None:
    """Change an attempt's status (the caller holds its row lock); refuses a move the table does not allow."""
    machines.set_status(machines.ATTEMPT, attempt, to=to)


def lock_attempt(attempt_id: int) -> PaymentAttempt:
    """The attempt's row locked (inside a transaction, after its order's: `lock_order`), with its order.

    `of=("self",)`: the order and merchant joined in are read, not locked, so a merchant placing an order is
    never held up by a payment being recorded."""
    return lock_row(PaymentAttempt, attempt_id, related=("order__merchant",))


def read_state_for_order(*, attempt: PaymentAttempt, source: str) -> ProviderState:
    """Re-read the attempt from its provider, capturing an authorisation only while its order awaits payment.

    Called with no row lock held (this waits on the network); the caller then locks and applies the state, which
    is re-checked there. An authorisation for an order that no longer awaits payment (cancelled, expired, paid
    another way) is cancelled at the provider and recorded; nothing is captured, no payment is recorded. An order
    cancelled while its capture is under way receives the money as any closed order does: `settle_order`
    records it for a refund.
    """
    adapter = providers.get_provider(attempt.provider)
    order = Order.objects.get(pk=attempt.order_id)
    payable = order.status == Order.Status.AWAITING_PAYMENT
    state = adapter.handle_event(attempt=attempt, capture=payable)
    if payable or state.status != S.AUTHORISED or state.reference != attempt.provider_reference:
        return state
    try:
        adapter.cancel(attempt=attempt)
    except PaymentError as exc:
        record_action(
            order=order,
            attempt=attempt,
            action="authorisation_not_cancelled",
            source=source,
            note=f"The order is {order.status}: its authorisation was not captured, and the provider refused to "
            f"cancel it ({exc.code}); cancel it at the provider.",
        )
        logger.warning("authorisation not cancelled", extra={"attempt": attempt.pk, "error": exc.code})
        return state
    record_action(
        order=order,
        attempt=attempt,
        action="authorisation_cancelled",
        source=source,
        amount=from_minor(state.amount_minor, state.currency),
        note=f"The order is {order.status}: its authorisation was cancelled at the provider, nothing captured.",
    )
    return adapter.handle_event(attempt=attempt, capture=False)


def apply_state(
    *,
    attempt: PaymentAttempt,
    state: ProviderState,
    source: str,
    event: ProviderEvent | None = None,
    by: User | None = None,
) -> str:
    """Record what the provider says about the attempt; returns a `ProviderEvent.Outcome` value.

    The caller holds the attempt's row lock. A state that does not match the attempt (another reference, a
    different currency or amount, another order) moves no money: it is recorded for finance.
    """
    order = attempt.order
    problems = []
    if state.reference != attempt.provider_reference:
        problems.append("reference")
    if state.currency != attempt.currency:
        problems.append("currency")
    if state.amount_minor != attempt.amount_minor:
        problems.append("amount")
    if state.order_reference and state.order_reference != order.reference:
        problems.append("order")
    if problems:
        record_action(
            order=order,
            attempt=attempt,
            action="mismatch",
            source=source,
            note=f"The provider's payment does not match this attempt ({', '.join(problems)}); nothing recorded.",
        )
        logger.warning("payment mismatch", extra={"attempt": attempt.pk, "problems": problems})
        return ProviderEvent.Outcome.MISMATCH
    try:
        move_attempt(attempt, to=state.status)
    except IllegalTransition:
        logger.info("stale provider state", extra={"attempt": attempt.pk, "status": state.status})
    fields = []
    if state.method_used and attempt.method_used != state.method_used:
        attempt.method_used = state.method_used
        fields.append("method_used")
    if state.failure_message != attempt.failure_message and attempt.status != S.SUCCEEDED:
        attempt.failure_message = state.failure_message
        fields.append("failure_message")
    if fields:
        attempt.save(update_fields=[*fields, "updated_at"])
    payment = None
    if state.received_minor > 0:
        amount = from_minor(state.received_minor, state.currency)
        payment, created = Payment.objects.get_or_create(
            provider=attempt.provider,
            reference=state.payment_reference,
            defaults={
                "order": order,
                "attempt": attempt,
                "method": state.method_used,
                "amount": amount,
                "currency": state.currency,
                "event": event,
            },
        )
        if created:
            record_action(order=order, attempt=attempt, action="payment_received", source=source, amount=amount)
    if payment is None:
        payment = Payment.objects.filter(attempt=attempt).order_by("pk").first()
    if payment is not None:
        _sync_refunds(attempt=attempt, payment=payment, state=state, source=source)
    settle_order(order=order, source=source, by=by)
    return ProviderEvent.Outcome.APPLIED


def _confirm(refund: Refund, *, source: str, reference: str = "") -> None:
    changes: dict[str, Any] = {"confirmed_at": timezone.now()}
    if reference and not refund.provider_reference:
        changes["provider_reference"] = reference
    machines.set_status(machines.REFUND, refund, to=Refund.Status.SUCCEEDED, changes=changes)
    record_action(
        order=refund.order,
        attempt=refund.payment.attempt,
        action="refund_confirmed",
        source=source,
        amount=refund.amount,
    )


def _sync_refunds(*, attempt: PaymentAttempt, payment: Payment, state: ProviderState, source: str) -> None:
    """Match the provider's refunds with ours: confirm, fail, or record one made at the provider directly."""
    ours = list(Refund.objects.select_for_update(of=("self",)).filter(payment=payment).order_by("pk"))
    for seen in state.refunds:
        amount = from_minor(seen.amount_minor, state.currency)
        refund = next((r for r in ours if r.provider_reference == seen.reference), None) or next(
            (r for r in ours if seen.local_id is not None and r.pk == seen.local_id), None
        )
        if refund is None:
            if _refunded_so_far(ours) + amount > payment.amount:
                _refund_over_received(attempt=attempt, payment=payment, amount=amount, source=source)
                continue
            refund = Refund.objects.create(
                order=attempt.order,
                payment=payment,
                amount=amount,
                currency=state.currency,
                status=Refund.Status.PENDING,
                provider_reference=seen.reference,
                reason="Refunded at the provider directly.",
            )
            ours.append(refund)
            record_action(order=attempt.order, attempt=attempt, action="refund_seen", source=source, amount=amount)
        if refund.status == Refund.Status.SUCCEEDED:
            continue
        if not refund.provider_reference and refund.status == Refund.Status.PENDING:
            # a refund whose answer was lost: the provider's listing tells its reference
            refund.provider_reference = seen.reference
            refund.save(update_fields=["provider_reference"])
        if seen.status == Refund.Status.SUCCEEDED:
            _confirm(refund, source=source, reference=seen.reference)
        elif seen.status == Refund.Status.FAILED and refund.status != Refund.Status.FAILED:
            machines.set_status(machines.REFUND, refund, to=Refund.Status.FAILED)
            record_action(order=attempt.order, attempt=attempt, action="refund_failed", source=source, amount=amount)
    if state.refunded_total_minor is None:
        return
    # Providers that report a refunded total: confirm our refunds in order while the total covers them. A refund
    # whose answer was lost (pending, no provider reference) is confirmed the same way; one still being sent
    # (requested, no reference yet) waits for its answer. Never more than the payment received.
    total = min(from_minor(state.refunded_total_minor, state.currency), payment.amount)
    confirmed = sum((r.amount for r in ours if r.status == Refund.Status.SUCCEEDED), Decimal(0))
    for refund in ours:
        sent = refund.status == Refund.Status.PENDING or (
            refund.status == Refund.Status.REQUESTED and refund.provider_reference
        )
        if sent and confirmed + refund.amount <= total:
            _confirm(refund, source=source)
            confirmed += refund.amount
    if total > confirmed and not any(r.status == Refund.Status.PENDING for r in ours):
        extra = total - confirmed
        refund = Refund.objects.create(
            order=attempt.order,
            payment=payment,
            amount=extra,
            currency=state.currency,
            status=Refund.Status.PENDING,
            provider_reference=f"{payment.reference}:total:{state.refunded_total_minor}",
            reason="Refunded at the provider directly.",
        )
        _confirm(refund, source=source)


def _refunded_so_far(refunds: list[Refund]) -> Decimal:
    return sum((r.amount for r in refunds if r.status != Refund.Status.FAILED), Decimal(0))


def _refund_over_received(*, attempt: PaymentAttempt, payment: Payment, amount: Decimal, source: str) -> None:
    """The provider lists a refund that would take more than was received: recorded for finance, not as a refund."""
    note = f"The provider lists a refund of {amount} {payment.currency} beyond what was received; not recorded."
    if not PaymentAction.objects.filter(order=attempt.order, action="refund_mismatch", note=note).exists():
        record_action(order=attempt.order, attempt=attempt, action="refund_mismatch", source=source, note=note)
    logger.warning("refund beyond the payment", extra={"attempt": attempt.pk})


def _flag_overpayment(*, order: Order, received: Decimal, total: Decimal, source: str) -> None:
    """More received than the order's total (e.g. paid through two providers): flagged once per amount."""
    excess = received - total
    if order.payment_actions.filter(action="overpaid", amount=excess).exists():
        return
    record_action(
        order=order,
        action="overpaid",
        source=source,
        amount=excess,
        note=f"Received {received} {order.currency} for an order of {total} {order.currency}: refund the "
        f"difference to the merchant.",
    )
    logger.warning("order overpaid", extra={"order": order.pk})


def settle_order(*, order: Order, source: str, by: User | None = None) -> None:
    """Move the order on from what it has received: paid once covered, refunded once all is returned."""
    order = Order.objects.get(pk=order.pk)
    summary = payment_summary(order=order)
    state = summary.state
    if summary.received.amount > summary.total.amount > 0:
        _flag_overpayment(order=order, received=summary.received.amount, total=summary.total.amount, source=source)
    if summary.received.amount > 0 and summary.received.amount >= summary.total.amount:
        if order.status == Order.Status.AWAITING_PAYMENT:
            paid = orders.mark_paid(order=order, by=by, source=source, note=f"{summary.received} received ({source})")
            record_action(order=paid, action="order_paid", source=source, by=by, amount=summary.received.amount)
            # An order paid (the rest) another way no longer waits for its bank transfer.
            for transfer in BankTransfer.objects.select_for_update(of=("self",)).filter(
                order=paid, status__in=BankTransfer.OPEN
            ):
                machines.set_status(machines.TRANSFER, transfer, to=BankTransfer.Status.CLOSED)
            order = paid
        elif (
            order.status in orders.NOT_COUNTING and not order.payment_actions.filter(action="paid_after_close").exists()
        ):
            record_action(
                order=order,
                action="paid_after_close",
                source=source,
                amount=summary.received.amount,
                note="Money arrived for an order that is closed: refund it.",
            )
    if state == PaymentState.REFUNDED and order.status in orders.PAID_STATUSES:
        orders.mark_refunded(order=order, by=by, source=source, note="Everything received was refunded.")
        record_action(order=order, action="order_refunded", source=source, by=by)


def apply_provider_state(
    *, attempt_id: int, source: str, event: ProviderEvent | None = None, by: User | None = None
) -> str:
    """Read the attempt from its provider (no lock held), then lock its order and the attempt and record it."""
    attempt = PaymentAttempt.objects.get(pk=attempt_id)
    state = read_state_for_order(attempt=attempt, source=source)
    with transaction.atomic():
        attempt = lock_for_recording(attempt_id)
        return apply_state(attempt=attempt, state=state, source=source, event=event, by=by)


def lock_for_recording(attempt_id: int) -> PaymentAttempt:
    """Lock, in the project's order, the attempt's order then the attempt (inside a transaction)."""
    order_id = PaymentAttempt.objects.values_list("order_id", flat=True).get(pk=attempt_id)
    orders.lock_order(order_id)
    return lock_attempt(attempt_id)
