"""The life cycles payments own: payment attempts, refunds and bank transfers, each one `portal.state.Machine`.

Only payments writes these statuses, and only through `set_status` (a row the caller has locked) or the
machines' `move`. Money is the truth: a provider that says "paid" or "refunded" wins from any unfinished status.

Locks, for the whole project: merchant -> order -> payment attempt (its payments, refunds and bank transfer)
-> shipment; the helpers `lock_attempt`, `lock_for_recording` (records) and `lock_transfer` (transfers) take
them in that order, `select_for_update(of=("self",))`, never while waiting on a provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models

from payments.errors import IllegalTransition
from payments.models import BankTransfer, PaymentAttempt, Refund
from portal.state import Machine

M = TypeVar("M", bound=models.Model)

S = PaymentAttempt.Status
#: Attempt status moves.
ATTEMPT_TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.PROCESSING, S.AUTHORISED, S.SUCCEEDED, S.FAILED, S.CANCELED, S.EXPIRED},
    S.PROCESSING: {S.PENDING, S.AUTHORISED, S.SUCCEEDED, S.FAILED, S.CANCELED},
    S.AUTHORISED: {S.SUCCEEDED, S.FAILED, S.CANCELED, S.EXPIRED},
    S.FAILED: {S.PENDING, S.PROCESSING, S.SUCCEEDED},
    S.CANCELED: {S.SUCCEEDED},
    S.EXPIRED: {S.SUCCEEDED},
    S.SUCCEEDED: set(),
}

R = Refund.Status
#: Refund status moves: requested (ours, not yet answered), pending (sent, or seen at the provider), then the
#: provider's word. A refund the provider later lists as made is confirmed even after a failure.
REFUND_TRANSITIONS: dict[str, set[str]] = {
    R.REQUESTED: {R.PENDING, R.SUCCEEDED, R.FAILED},
    R.PENDING: {R.SUCCEEDED, R.FAILED},
    R.FAILED: {R.SUCCEEDED},
    R.SUCCEEDED: set(),
}

T = BankTransfer.Status
_RECONCILED: set[str] = {T.PARTIALLY_RECEIVED, T.RECEIVED, T.NOT_RECEIVED}
#: Bank transfer moves: proofs while money is expected, finance's reconciliation until received in full,
#: expired when nothing arrived in time, closed when the order was paid another way. Money that arrives after
#: expiry or closure can still be reconciled (and is flagged for a refund on the order).
TRANSFER_TRANSITIONS: dict[str, set[str]] = {
    T.AWAITING: {T.PROOF_RECEIVED, *_RECONCILED, T.EXPIRED, T.CLOSED},
    T.PROOF_RECEIVED: {*_RECONCILED, T.EXPIRED, T.CLOSED},
    T.PARTIALLY_RECEIVED: {T.PROOF_RECEIVED, T.RECEIVED, T.NOT_RECEIVED, T.CLOSED},
    T.NOT_RECEIVED: {T.PROOF_RECEIVED, T.PARTIALLY_RECEIVED, T.RECEIVED, T.EXPIRED},
    T.EXPIRED: _RECONCILED - {T.NOT_RECEIVED},
    T.CLOSED: _RECONCILED - {T.NOT_RECEIVED},
    T.RECEIVED: set(),
}

ATTEMPT: Machine[PaymentAttempt] = Machine(
    model=PaymentAttempt, transitions=ATTEMPT_TRANSITIONS, error=IllegalTransition
)
REFUND: Machine[Refund] = Machine(model=Refund, transitions=REFUND_TRANSITIONS, error=IllegalTransition)
TRANSFER: Machine[BankTransfer] = Machine(model=BankTransfer, transitions=TRANSFER_TRANSITIONS, error=IllegalTransition)


def set_status(machine: Machine[M], row: M, *, to: str, changes: Mapping[str, Any] | None = None) -> M:
    """Move a row the caller holds locked; staying in the same status only saves `changes` (a repeat is harmless)."""
    if str(getattr(row, machine.field)) == str(to):
        if changes:
            for name, value in changes.items():
                setattr(row, name, value)
            row.save(update_fields=list(changes))
        return row
    return machine.apply(row, to=to, changes=changes)
