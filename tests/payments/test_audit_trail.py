"""From where: payment history, reconciliations, rule changes and refunds made by a person through a page keep
the client's address, and staff downloads of proofs of transfer are written to the staff access log."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import StaffAccess
from payments.models import BankTransfer, PaymentAction, PaymentMethod, PaymentMethodChange, Reconciliation, Refund
from tests.branding.helpers import png
from tests.payments.conftest import place

pytestmark = pytest.mark.django_db

MEMBER_IP, STAFF_IP = "203.0.113.7", "198.51.100.23"


@pytest.fixture
def order(bank_transfer_on):
    return place(country="SA", currency="SAR", subtotal_sar=Decimal("6000"))


def test_a_members_choice_and_proof_record_their_address(client, order):
    client.force_login(order.placed_by)
    client.post(reverse("pay:bank_transfer", args=[order.reference]), REMOTE_ADDR=MEMBER_IP)
    client.post(reverse("pay:proof_upload", args=[order.reference]), {"file": png("receipt.png")},
                REMOTE_ADDR=MEMBER_IP)  # fmt: skip
    actions = dict(PaymentAction.objects.filter(order=order).values_list("action", "ip_address"))
    assert actions["attempt_started"] == MEMBER_IP
    assert actions["transfer_chosen"] == MEMBER_IP
    assert actions["proof_uploaded"] == MEMBER_IP


def test_finances_reconciliation_and_refund_record_their_address(client, order, staff_client):
    client.force_login(order.placed_by)
    client.post(reverse("pay:bank_transfer", args=[order.reference]))
    transfer = BankTransfer.objects.get(order=order)
    finance = staff_client("finance")
    response = finance.post(reverse("admin:payments_banktransfer_reconcile", args=[transfer.pk]),
                            {"outcome": "full", "bank_reference": "SNB-1", "note": "Seen"},
                            REMOTE_ADDR=STAFF_IP)  # fmt: skip
    assert response.status_code == 302
    assert Reconciliation.objects.get().ip_address == STAFF_IP
    assert PaymentAction.objects.get(order=order, action="transfer_full").ip_address == STAFF_IP
    payment = transfer.attempt.payments.get()
    response = finance.post(reverse("admin:payments_orderpayment_refund", args=[order.pk]),
                            {"payment": payment.pk, "amount": "100", "reason": "Short delivery"},
                            REMOTE_ADDR=STAFF_IP)  # fmt: skip
    assert response.status_code == 302
    assert Refund.objects.get().ip_address == STAFF_IP
    assert PaymentAction.objects.get(order=order, action="refund_requested").ip_address == STAFF_IP


def test_a_rule_change_records_the_address_of_who_made_it(staff_client):
    finance = staff_client("finance")
    method = PaymentMethod.objects.get(code="bank_transfer")
    data = {
        "name": method.name,
        "enabled": "",
        "currencies": method.currencies,
        "buyer_countries": method.buyer_countries,
        "excluded_countries": "",
        "provider_allows_b2b": "on",
        "source_url": method.source_url,
        "source_note": method.source_note,
        "unverified": "",
        "notes": "",
        "position": method.position,
        "change_reason": "Bank account being changed",
        "limits-TOTAL_FORMS": "0",
        "limits-INITIAL_FORMS": "0",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    url = reverse("admin:payments_paymentmethod_change", args=[method.pk])
    assert finance.post(url, data, REMOTE_ADDR=STAFF_IP).status_code == 302
    assert PaymentMethodChange.objects.get().ip_address == STAFF_IP


def test_a_staff_download_of_a_proof_is_in_the_staff_access_log(client, order, staff_client):
    client.force_login(order.placed_by)
    client.post(reverse("pay:bank_transfer", args=[order.reference]))
    client.post(reverse("pay:proof_upload", args=[order.reference]), {"file": png("receipt.png")})
    transfer = BankTransfer.objects.get(order=order)
    proof = transfer.proofs.get()
    finance = staff_client("finance")
    response = finance.get(reverse("admin:payments_banktransfer_proof", args=[transfer.pk, proof.pk]),
                           REMOTE_ADDR=STAFF_IP)  # fmt: skip
    assert response.status_code == 200
    access = StaffAccess.objects.get(model="payments.transferproof")
    assert (access.staff, access.object_id, access.ip_address, access.unmasked) == (
        finance.staff_user,
        str(proof.pk),
        STAFF_IP,
        True,
    )
