"""Bank transfer, for Saudi merchants: the store's IBAN, a unique reference per order, proofs, reconciliation.

The order stays awaiting payment until finance records that the full amount arrived (`reconcile_transfer`);
a part received is recorded and the rest stays due. A reminder goes out after BANK_TRANSFER_REMINDER_DAYS and
an order with nothing received is cancelled after BANK_TRANSFER_EXPIRY_DAYS (both by scheduled jobs), whether
it is still awaited or finance found it not received. A proof waiting for finance holds the order past that
date, but only for BANK_TRANSFER_EXPIRY_DAYS after its last proof (finance has that long to reconcile it).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from merchants.models import User
from orders import services as orders
from orders.models import Order
from orders.money import Money
from payments import tasks
from payments.errors import MethodNotOffered, TransferError
from payments.models import (
    BankTransfer,
    Payment,
    PaymentAction,
    PaymentAttempt,
    Provider,
    Reconciliation,
    TransferProof,
)
from payments.selectors import payment_summary
from payments.services import machines
from payments.services.checkout import _payable, cancel_other_attempts, new_attempt
from payments.services.eligibility import eligibility_for
from payments.services.records import move_attempt, record_action, settle_order
from portal.notices import notify_on_commit
from portal.state import lock as lock_row
from portal.uploads import check_upload, private_name

PROOF_KINDS = {"pdf", "png", "jpeg"}
OPEN, EXPECTED = BankTransfer.OPEN, BankTransfer.EXPECTED
#: transfers that expire at their ordinary date when nothing was received
EXPIRE_AT_DATE = (BankTransfer.Status.AWAITING, BankTransfer.Status.NOT_RECEIVED)


def transfer_reference(order: Order) -> str:
    """PAY + the order reference's digits + two ISO 7064 (mod 97-10) check digits: unique, typo-proof."""
    digits = "".join(ch for ch in order.reference if ch.isdigit())
    check = 98 - (int(digits + "00") % 97)
    return f"PAY{digits}{check:02d}"


def is_valid_reference(reference: str) -> bool:
    """True when the check digits of a payment reference match (finance types them from bank statements)."""
    digits = reference.strip().upper().removeprefix("PAY")
    return digits.isdigit() and len(digits) > 2 and int(digits) % 97 == 1


def _notify(action: PaymentAction) -> None:
    """Email the merchant about the history entry once this transaction commits (by task, once)."""
    notify_on_commit(tasks.send_payment_notice, action.pk)


def choose_bank_transfer(*, order: Order, by: User, ip_address: str | None = None) -> BankTransfer:
    """The order will be paid by bank transfer: its reference and deadline (the same transfer on a second call)."""
    with transaction.atomic():
        order = _payable(order.pk)
        existing = BankTransfer.objects.filter(order=order).first()
        if existing is not None:
            return existing
        if not eligibility_for(order=order).offers("bank_transfer"):
            raise MethodNotOffered
        reference = transfer_reference(order)
        attempt = new_attempt(
            order=order,
            provider=Provider.BANK_TRANSFER,
            methods=["bank_transfer"],
            by=by,
            reference=reference,
            ip_address=ip_address,
        )
        transfer = BankTransfer.objects.create(
            order=order,
            attempt=attempt,
            reference=reference,
            expires_at=timezone.now() + timedelta(days=settings.BANK_TRANSFER_EXPIRY_DAYS),
        )
        record_action(
            order=order,
            attempt=attempt,
            action="transfer_chosen",
            source="portal",
            by=by,
            note=reference,
            ip_address=ip_address,
        )
    cancel_other_attempts(attempt=attempt)
    return transfer


def lock_transfer(transfer_id: int) -> BankTransfer:
    """The transfer's row locked after its order's (the project's lock order), with its order and attempt read."""
    order_id = BankTransfer.objects.values_list("order_id", flat=True).get(pk=transfer_id)
    orders.lock_order(order_id)
    return lock_row(BankTransfer, transfer_id, related=("order", "attempt"))


def add_proof(
    *, transfer: BankTransfer, upload: UploadedFile, by: User, ip_address: str | None = None
) -> TransferProof:
    """Keep a proof of transfer (PDF, PNG or JPEG, checked by content) privately; finance will reconcile it."""
    kind = check_upload(upload, allowed=PROOF_KINDS)
    with transaction.atomic():
        transfer = lock_transfer(transfer.pk)
        if transfer.status not in EXPECTED:
            raise TransferError(_("This transfer is closed: no more proofs can be added."))
        proof = TransferProof(
            transfer=transfer,
            original_name=(upload.name or "proof")[-200:],
            content_type=kind.content_type,
            size=upload.size or 0,
            uploaded_by=by,
        )
        proof.file.save(private_name("transfer-proofs", kind), upload, save=False)
        proof.save()
        machines.set_status(machines.TRANSFER, transfer, to=BankTransfer.Status.PROOF_RECEIVED)
        record_action(
            order=transfer.order,
            attempt=transfer.attempt,
            action="proof_uploaded",
            source="portal",
            by=by,
            note=proof.original_name,
            ip_address=ip_address,
        )
    return proof


def reconcile_transfer(
    *,
    transfer: BankTransfer,
    outcome: str,
    by: User,
    note: str,
    amount: Decimal | None = None,
    bank_reference: str = "",
    ip_address: str | None = None,
) -> Reconciliation:
    """Finance's decision: received in full, in part (the rest stays due), or not received; with who and why."""
    Outcome = Reconciliation.Outcome  # noqa: N806
    with transaction.atomic():
        transfer = lock_transfer(transfer.pk)
        order = transfer.order
        if transfer.status == BankTransfer.Status.RECEIVED:
            raise TransferError
        due = payment_summary(order=order).due.amount
        if outcome == Outcome.FULL:
            amount = due if amount is None else Money(amount, order.currency).amount
            if amount <= 0 or amount < due:
                raise TransferError(_("Received in full means at least what is due (%(due)s).") % {"due": due})
        elif outcome == Outcome.PARTIAL:
            amount = Money(amount or Decimal(0), order.currency).amount
            if not 0 < amount < due:
                raise TransferError(
                    _("A partial amount is more than zero and less than what is due (%(due)s).") % {"due": due}
                )
        else:
            amount = Decimal(0)
        payment = None
        if amount > 0:
            if not bank_reference.strip():
                raise TransferError(_("Give the bank's reference of the credit."))
            try:
                with transaction.atomic():
                    payment = Payment.objects.create(
                        order=order,
                        attempt=transfer.attempt,
                        provider=Provider.BANK_TRANSFER,
                        reference=f"{transfer.reference}:{bank_reference.strip()}"[:120],
                        method="bank_transfer",
                        amount=amount,
                        currency=order.currency,
                        confirmed_by=by,
                    )
            except IntegrityError as exc:
                raise TransferError(_("This bank credit has already been recorded.")) from exc
        reconciliation = Reconciliation.objects.create(
            transfer=transfer,
            outcome=outcome,
            amount=amount,
            bank_reference=bank_reference.strip(),
            note=note,
            payment=payment,
            by=by,
            ip_address=ip_address,
        )
        reconciled = {
            Outcome.FULL: BankTransfer.Status.RECEIVED,
            Outcome.PARTIAL: BankTransfer.Status.PARTIALLY_RECEIVED,
            Outcome.NOT_RECEIVED: BankTransfer.Status.NOT_RECEIVED,
        }[Reconciliation.Outcome(outcome)]
        machines.set_status(machines.TRANSFER, transfer, to=reconciled)
        if outcome == Outcome.FULL:
            move_attempt(transfer.attempt, to=PaymentAttempt.Status.SUCCEEDED)
        elif outcome == Outcome.PARTIAL and transfer.attempt.status == PaymentAttempt.Status.PENDING:
            move_attempt(transfer.attempt, to=PaymentAttempt.Status.PROCESSING)
        action = record_action(
            order=order,
            attempt=transfer.attempt,
            action=f"transfer_{outcome}",
            source="admin",
            by=by,
            amount=amount or None,
            note=note,
            ip_address=ip_address,
        )
        settle_order(order=order, source="bank_transfer", by=by)
        _notify(action)
    return reconciliation


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind, once, the merchants whose transfer has not fully arrived after the reminder delay."""
    now = now or timezone.now()
    due_before = now - timedelta(days=settings.BANK_TRANSFER_REMINDER_DAYS)
    sent = 0
    for transfer_id in BankTransfer.objects.filter(
        status__in=EXPECTED,
        reminder_sent_at__isnull=True,
        created_at__lte=due_before,
        order__status=Order.Status.AWAITING_PAYMENT,
    ).values_list("pk", flat=True):
        with transaction.atomic():
            transfer = lock_transfer(transfer_id)
            if transfer.reminder_sent_at is not None:
                continue
            transfer.reminder_sent_at = now
            transfer.save(update_fields=["reminder_sent_at"])
            due = payment_summary(order=transfer.order).due
            _notify(
                record_action(
                    order=transfer.order,
                    attempt=transfer.attempt,
                    action="transfer_reminder",
                    source="schedule",
                    amount=due.amount,
                )
            )
            sent += 1
    return sent


def expire_transfers(*, now: datetime | None = None) -> int:
    """Cancel the orders whose transfer never arrived: nothing received by the deadline, or nothing received
    BANK_TRANSFER_EXPIRY_DAYS after the last proof (a proof holds the order past the ordinary date, not forever)."""
    now = now or timezone.now()
    proof_deadline = now - timedelta(days=settings.BANK_TRANSFER_EXPIRY_DAYS)
    expired = 0
    candidates = BankTransfer.objects.annotate(last_proof=Max("proofs__uploaded_at")).filter(
        Q(status__in=EXPIRE_AT_DATE, expires_at__lte=now)
        | Q(status=BankTransfer.Status.PROOF_RECEIVED, expires_at__lte=now, last_proof__lte=proof_deadline)
    )
    for transfer_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            transfer = lock_transfer(transfer_id)
            last_proof = transfer.proofs.aggregate(at=Max("uploaded_at"))["at"]
            if transfer.status == BankTransfer.Status.PROOF_RECEIVED:
                if last_proof is None or last_proof > proof_deadline:
                    continue
                reason = (
                    f"No bank transfer received within {settings.BANK_TRANSFER_EXPIRY_DAYS} days of the proof "
                    "of transfer"
                )
            elif transfer.status in EXPIRE_AT_DATE:
                reason = f"No bank transfer received within {settings.BANK_TRANSFER_EXPIRY_DAYS} days"
            else:
                continue
            if payment_summary(order=transfer.order).received.amount:
                continue
            machines.set_status(machines.TRANSFER, transfer, to=BankTransfer.Status.EXPIRED)
            move_attempt(transfer.attempt, to=PaymentAttempt.Status.EXPIRED)
            if transfer.order.status == Order.Status.AWAITING_PAYMENT:
                orders.cancel_order(order=transfer.order, reason=reason, source="payments")
            _notify(
                record_action(
                    order=transfer.order, attempt=transfer.attempt, action="transfer_expired", source="schedule"
                )
            )
            expired += 1
    return expired
