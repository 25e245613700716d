"""Bank transfer for Saudi merchants: the store's IBAN and a unique reference, a private proof, finance's
reconciliation (full, partial, not received) with every action recorded, a reminder and an expiry."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from orders.models import Invoice, Order
from payments.models import BankTransfer, Payment, PaymentAction, Reconciliation
from payments.selectors import PaymentState, payment_summary
from payments.services import (
    TransferError,
    choose_bank_transfer,
    expire_transfers,
    is_valid_reference,
    reconcile_transfer,
    send_reminders,
)
from tests.branding.helpers import png
from tests.factories import MembershipFactory
from tests.payments.conftest import IBAN, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def order(bank_transfer_on):
    return place(country="SA", currency="SAR", subtotal_sar=Decimal("6000"))  # 6,900.00 SAR with VAT


@pytest.fixture
def transfer(order):
    return choose_bank_transfer(order=order, by=order.placed_by)


def test_choosing_bank_transfer_shows_the_iban_a_unique_reference_and_the_amount(client, order):
    client.force_login(order.placed_by)
    response = client.post(reverse("pay:bank_transfer", args=[order.reference]))
    assert response.url == reverse("pay:bank_transfer", args=[order.reference])
    transfer = BankTransfer.objects.get(order=order)
    page = client.get(response.url).content.decode()
    assert IBAN in page and transfer.reference in page and "6,900.00 SAR" in page
    assert is_valid_reference(transfer.reference)
    assert not is_valid_reference(transfer.reference[:-1] + str((int(transfer.reference[-1]) + 1) % 10))
    assert client.post(response.url) and BankTransfer.objects.count() == 1  # choosing again: the same transfer
    other = choose_bank_transfer(order=place(country="SA", subtotal_sar=Decimal("6000")), by=order.placed_by)
    assert other.reference != transfer.reference
    assert PaymentAction.objects.filter(order=order, action="transfer_chosen", by=order.placed_by).exists()


def test_bank_transfer_is_refused_outside_saudi_arabia_or_without_an_iban(client, order, settings):
    french = place(country="FR", currency="USD", subtotal_sar=Decimal("6000"))
    client.force_login(french.placed_by)
    page = client.post(reverse("pay:bank_transfer", args=[french.reference]), follow=True).content.decode()
    assert "not available for this order" in page and not BankTransfer.objects.exists()
    settings.BANK_TRANSFER_IBAN = ""
    client.force_login(order.placed_by)
    client.post(reverse("pay:bank_transfer", args=[order.reference]))
    assert not BankTransfer.objects.exists()


def test_a_proof_is_checked_by_content_kept_private_and_served_only_to_the_merchant(client, transfer):
    order = transfer.order
    client.force_login(order.placed_by)
    url = reverse("pay:proof_upload", args=[order.reference])
    fake_pdf = SimpleUploadedFile("proof.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    page = client.post(url, {"file": fake_pdf}, follow=True).content.decode()
    assert "not an accepted type" in page and not transfer.proofs.exists()
    client.post(url, {"file": png("receipt.png")})
    proof = transfer.proofs.get()
    transfer.refresh_from_db()
    assert transfer.status == BankTransfer.Status.PROOF_RECEIVED
    assert not proof.file.name.startswith(("static", "/")) and proof.file.name.endswith(".png")
    assert "receipt" not in proof.file.name  # stored under an unguessable name
    download = client.get(reverse("pay:proof", args=[order.reference, proof.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(MembershipFactory().user)
    assert client.get(reverse("pay:proof", args=[order.reference, proof.pk])).status_code == 404
    assert PaymentAction.objects.filter(action="proof_uploaded", by=order.placed_by).exists()


def test_finance_records_part_then_the_rest_and_only_then_the_order_is_paid(transfer, staff_client, on_commit):
    order = transfer.order
    finance = staff_client("finance").staff_user
    with on_commit(execute=True):
        reconcile_transfer(transfer=transfer, outcome="partial", amount=Decimal("2000"), bank_reference="SNB-1",
                           note="First instalment on the statement", by=finance)  # fmt: skip
    order.refresh_from_db()
    transfer.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert transfer.status == BankTransfer.Status.PARTIALLY_RECEIVED
    assert payment_summary(order=order).state == PaymentState.PARTIALLY_PAID
    assert payment_summary(order=order).due.amount == Decimal("4900.00")
    assert "4,900.00 SAR" in mail.outbox[-1].body
    with on_commit(execute=True):
        reconcile_transfer(
            transfer=transfer, outcome="full", bank_reference="SNB-2", note="The rest arrived", by=finance
        )
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Payment.objects.filter(order=order).count() == 2
    assert all(p.confirmed_by == finance for p in Payment.objects.all())
    assert Invoice.objects.filter(order=order, kind=Invoice.Kind.TAX).exists()
    assert list(Reconciliation.objects.values_list("outcome", "by")) == [("partial", finance.pk), ("full", finance.pk)]


def test_not_received_is_recorded_and_told_to_the_merchant_in_their_language(transfer, staff_client, on_commit):
    member = transfer.order.placed_by
    member.language = "fr"
    member.save()
    with on_commit(execute=True):
        reconcile_transfer(transfer=transfer, outcome="not_received", note="Nothing on the statement",
                           by=staff_client("finance").staff_user)  # fmt: skip
    transfer.refresh_from_db()
    assert transfer.status == BankTransfer.Status.NOT_RECEIVED and not Payment.objects.exists()
    assert mail.outbox[-1].to == [member.email]
    assert transfer.order.reference in mail.outbox[-1].subject
    assert mail.outbox[-1].alternatives  # an HTML part beside the text


def test_the_same_bank_credit_cannot_be_recorded_twice(transfer, staff_client):
    finance = staff_client("finance").staff_user
    reconcile_transfer(transfer=transfer, outcome="partial", amount=Decimal("100"), bank_reference="SNB-9",
                       note="part", by=finance)  # fmt: skip
    with pytest.raises(TransferError):
        reconcile_transfer(transfer=transfer, outcome="partial", amount=Decimal("100"), bank_reference="SNB-9",
                           note="again", by=finance)  # fmt: skip
    assert Payment.objects.count() == 1


def test_finance_reconciles_from_the_admin_and_other_staff_cannot(transfer, staff_client):
    url = reverse("admin:payments_banktransfer_reconcile", args=[transfer.pk])
    assert staff_client("reviewer", email="reviewer@store.test").get(url).status_code == 403
    finance = staff_client("finance", email="finance@store.test")
    page = finance.get(reverse("admin:payments_banktransfer_change", args=[transfer.pk])).content.decode()
    assert url in page and transfer.reference in page
    response = finance.post(url, {"outcome": "full", "bank_reference": "SNB-77", "note": "Seen on statement"})
    assert response.status_code == 302
    transfer.order.refresh_from_db()
    assert transfer.order.status == Order.Status.PAID
    page = finance.get(reverse("admin:payments_banktransfer_change", args=[transfer.pk])).content.decode()
    assert f"{transfer.order.total:,.2f} SAR" in page  # the reconciled amount reads as money, not 1234.560


def test_a_reminder_goes_once_after_the_configured_days(transfer, settings, on_commit):
    settings.BANK_TRANSFER_REMINDER_DAYS = 3
    with on_commit(execute=True):
        assert send_reminders(now=timezone.now() + timedelta(days=2)) == 0
        assert send_reminders(now=timezone.now() + timedelta(days=3, minutes=1)) == 1
        assert send_reminders(now=timezone.now() + timedelta(days=5)) == 0
    assert [m.to for m in mail.outbox] == [[transfer.order.placed_by.email]]
    assert transfer.reference in mail.outbox[0].body


def test_an_order_with_nothing_received_expires_after_the_configured_days(transfer, order, settings):
    later = transfer.expires_at + timedelta(minutes=1)
    assert expire_transfers(now=transfer.expires_at - timedelta(minutes=1)) == 0
    assert expire_transfers(now=later) == 1
    order.refresh_from_db()
    transfer.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and transfer.status == BankTransfer.Status.EXPIRED
    assert order.events.get(status="cancelled").source == "payments"
    assert expire_transfers(now=later) == 0


def test_a_proof_holds_the_order_past_the_ordinary_date_until_the_expiry_days_after_the_proof(transfer, settings):
    days = settings.BANK_TRANSFER_EXPIRY_DAYS
    proof_at = transfer.created_at + timedelta(days=days // 2 + 1)
    transfer.proofs.create(file="x.png", original_name="x.png", content_type="image/png", size=1,
                           uploaded_by=transfer.order.placed_by, uploaded_at=proof_at)  # fmt: skip
    BankTransfer.objects.filter(pk=transfer.pk).update(status=BankTransfer.Status.PROOF_RECEIVED)
    assert expire_transfers(now=transfer.expires_at + timedelta(minutes=1)) == 0
    assert expire_transfers(now=proof_at + timedelta(days=days) - timedelta(minutes=1)) == 0
    transfer.order.refresh_from_db()
    assert transfer.order.status == Order.Status.AWAITING_PAYMENT
    assert expire_transfers(now=proof_at + timedelta(days=days, minutes=1)) == 1
    transfer.refresh_from_db()
    transfer.order.refresh_from_db()
    assert transfer.status == BankTransfer.Status.EXPIRED
    assert transfer.order.status == Order.Status.CANCELLED


def test_an_order_with_money_received_does_not_expire(transfer, staff_client):
    finance = staff_client("finance").staff_user
    reconcile_transfer(transfer=transfer, outcome="partial", amount=Decimal("100"), bank_reference="SNB-1",
                       note="part", by=finance)  # fmt: skip
    assert expire_transfers(now=transfer.expires_at + timedelta(days=365)) == 0
    transfer.order.refresh_from_db()
    assert transfer.order.status == Order.Status.AWAITING_PAYMENT


def test_a_transfer_found_not_received_is_reminded_and_expires_like_an_awaiting_one(
    transfer, staff_client, settings, on_commit
):
    finance = staff_client("finance").staff_user
    with on_commit(execute=True):
        reconcile_transfer(transfer=transfer, outcome="not_received", note="nothing on the statement", by=finance)
        sent = send_reminders(now=transfer.created_at + timedelta(days=settings.BANK_TRANSFER_REMINDER_DAYS, minutes=1))
    assert sent == 1
    assert PaymentAction.objects.filter(order=transfer.order, action="transfer_reminder").count() == 1
    assert expire_transfers(now=transfer.expires_at - timedelta(minutes=1)) == 0
    assert expire_transfers(now=transfer.expires_at + timedelta(minutes=1)) == 1
    transfer.order.refresh_from_db()
    assert transfer.order.status == Order.Status.CANCELLED


def test_the_reminder_and_expiry_jobs_are_scheduled():
    tasks = dict(PeriodicTask.objects.values_list("name", "task"))
    assert tasks["Remind unpaid bank transfers"] == "payments.tasks.remind_bank_transfers"
    assert tasks["Expire unpaid bank transfers"] == "payments.tasks.expire_bank_transfers"


def test_paying_a_white_label_order_starts_its_shipments(bank_transfer_on, staff_client, on_commit):
    from shipping import services as shipping
    from shipping.models import Shipment

    order = place(country="SA", subtotal_sar=Decimal("6000"), delivery_mode=Order.Delivery.WHITE_LABEL)
    line = order.lines.get()
    shipping.add_consignees(
        order=order,
        by=order.placed_by,
        consignees=[
            shipping.ConsigneeData(name="Noura", phone="+966551234567", address_line1="1 Olaya St", city="Riyadh",
                                   postal_code="12211", country="SA", items={line.pk: 1})
        ],
    )  # fmt: skip
    transfer = choose_bank_transfer(order=order, by=order.placed_by)
    with on_commit(execute=True):
        reconcile_transfer(transfer=transfer, outcome="full", bank_reference="SNB-WL", note="paid",
                           by=staff_client("finance").staff_user)  # fmt: skip
    order.refresh_from_db()
    assert Shipment.objects.filter(order=order).count() == 1
    assert order.status == Order.Status.IN_FULFILMENT
