"""The life cycles payments own: attempts, refunds and bank transfers, each table walked pair by pair, and
each status column checked by the database."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from payments.errors import IllegalTransition
from payments.models import BankTransfer, Payment, PaymentAttempt, Refund
from payments.services import machines
from portal import state
from tests.payments.conftest import place

pytestmark = pytest.mark.django_db


def attempt_row(status: str = "pending", provider: str = "moyasar") -> PaymentAttempt:
    order = place()
    return PaymentAttempt.objects.create(
        order=order,
        number=1,
        provider=provider,
        amount=order.total,
        currency=order.currency,
        amount_minor=int(order.total * 100),
        idempotency_key=f"test-{order.pk}",
        status=status,
    )


def refund_row(status: str) -> Refund:
    attempt = attempt_row("succeeded")
    payment = Payment.objects.create(
        order=attempt.order, attempt=attempt, provider="moyasar", reference="p1", amount=Decimal(10), currency="SAR"
    )
    return Refund.objects.create(
        order=attempt.order, payment=payment, amount=Decimal("5"), currency="SAR", reason="test", status=status
    )


def transfer_row(status: str) -> BankTransfer:
    attempt = attempt_row(provider="bank_transfer")
    return BankTransfer.objects.create(
        order=attempt.order,
        attempt=attempt,
        reference=f"REF{attempt.pk:06d}",
        status=status,
        expires_at=timezone.now() + timedelta(days=7),
    )


CASES = [
    (machines.ATTEMPT, attempt_row),
    (machines.REFUND, refund_row),
    (machines.TRANSFER, transfer_row),
]
PAIRS = [
    pytest.param(machine, build, start, to, id=f"{machine.model.__name__}:{start}->{to}")
    for machine, build in CASES
    for start, to in itertools.product(machine.states(), machine.states())
]


@pytest.mark.parametrize(("machine", "build", "start", "to"), PAIRS)
def test_each_pair_of_statuses_moves_only_if_the_table_allows_it(machine, build, start, to):
    row = build(start)
    if machine.allows(start, to):
        machine.move(row.pk, to=to)
        row.refresh_from_db()
        assert row.status == to
    else:
        with pytest.raises(IllegalTransition) as refused:
            machine.move(row.pk, to=to)
        assert isinstance(refused.value, state.IllegalTransition)
        row.refresh_from_db()
        assert row.status == start


def test_the_attempt_table_is_the_one_the_services_have_always_used():
    from payments.services import TRANSITIONS

    assert TRANSITIONS is machines.ATTEMPT_TRANSITIONS


@pytest.mark.parametrize(("machine", "build"), CASES, ids=lambda c: getattr(getattr(c, "model", None), "__name__", ""))
def test_the_database_refuses_a_status_outside_the_table(machine, build):
    row = build(machine.states()[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(status="bogus")
