"""Payments' emails go out after commit, by task, once: the history entry's `notified_at` is the marker."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from payments.models import PaymentAction
from payments.services import choose_bank_transfer, reconcile_transfer, send_notice
from tests.payments.conftest import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def transfer(bank_transfer_on):
    order = place(country="SA", currency="SAR", subtotal_sar=Decimal("6000"))
    return choose_bank_transfer(order=order, by=order.placed_by)


def _not_received(transfer, finance):
    reconcile_transfer(transfer=transfer, outcome="not_received", note="Nothing on the statement", by=finance)
    return PaymentAction.objects.get(order=transfer.order, action="transfer_not_received")


def test_the_notice_goes_only_once_the_reconciliation_commits(
    transfer, staff_client, django_capture_on_commit_callbacks
):
    finance = staff_client("finance").staff_user
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        action = _not_received(transfer, finance)
        assert mail.outbox == [] and action.notified_at is None  # nothing sent inside the transaction
    assert len(callbacks) == 1
    callbacks[0]()  # the transaction commits: the task runs
    assert len(mail.outbox) == 1
    action.refresh_from_db()
    assert action.notified_at is not None


def test_a_second_run_of_the_notice_sends_nothing(transfer, staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        action = _not_received(transfer, staff_client("finance").staff_user)
    assert len(mail.outbox) == 1
    assert send_notice(action_id=action.pk) == 0
    assert len(mail.outbox) == 1


def test_a_notice_whose_email_failed_is_sent_by_the_retry(transfer, staff_client, monkeypatch):
    action = _not_received(transfer, staff_client("finance").staff_user)  # commit callbacks not run: no task yet

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp")

    with monkeypatch.context() as patched:
        patched.setattr("payments.services.notices.send_templated_email", smtp_down)
        with pytest.raises(ConnectionRefusedError):
            send_notice(action_id=action.pk)
    action.refresh_from_db()
    assert action.notified_at is None and mail.outbox == []  # the marker is cleared for the retry
    assert send_notice(action_id=action.pk) == 1
    assert len(mail.outbox) == 1
    action.refresh_from_db()
    assert action.notified_at is not None


def test_a_history_entry_the_merchant_is_not_told_about_is_never_claimed(transfer):
    chosen = PaymentAction.objects.get(order=transfer.order, action="transfer_chosen")
    assert send_notice(action_id=chosen.pk) == 0
    chosen.refresh_from_db()
    assert chosen.notified_at is None and mail.outbox == []
