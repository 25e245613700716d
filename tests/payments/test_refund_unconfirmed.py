"""A refund whose provider answer is lost stays pending with its idempotency key: it still counts against what is
refundable, asking again sends it again with the same key (never a second refund), and the provider's state or
event settles it. What is recorded as refunded never exceeds what was received."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from payments.models import Payment, PaymentAction, PaymentAttempt, Refund
from payments.services import RefundNotAllowed, RefundUnconfirmed, apply_provider_state, refundable, request_refund
from tests.factories import MembershipFactory
from tests.merchants.factories import ApplicationFactory
from tests.payments.conftest import TABBY_WEBHOOK_SECRET, place
from tests.payments.fakes.server import LosingProxy

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    membership = MembershipFactory(merchant__country="SA", merchant__currency="SAR")
    ApplicationFactory(applicant=membership.user, merchant=membership.merchant, contact_phone="+966501234567")
    return place(membership=membership, subtotal_sar=Decimal("6000"))  # 6,900.00 SAR with VAT


@pytest.fixture
def finance(staff_client):
    return staff_client("finance").staff_user


def paid_with(client, order, provider: str, fake) -> PaymentAttempt:
    client.force_login(order.placed_by)
    client.post(reverse("pay:start", args=[order.reference, provider]))
    attempt = PaymentAttempt.objects.get(order=order, provider=provider)
    landing = (
        fake.pay_invoice(attempt.provider_reference) if provider == "moyasar" else fake.approve(attempt.checkout_url)
    )
    parts = urlsplit(landing)
    client.get(f"{parts.path}?{parts.query}")
    assert Payment.objects.filter(attempt=attempt).exists()
    return attempt


def losing(settings, fake, name: str, pattern: str) -> LosingProxy:
    proxy = LosingProxy(fake.base, lose=("POST", pattern)).start()
    setattr(settings, name, proxy.base)
    return proxy


def test_a_lost_tabby_refund_answer_keeps_it_pending_counted_and_tabbys_event_confirms_it(
    client, order, tabby, settings, finance, django_capture_on_commit_callbacks
):
    attempt = paid_with(client, order, "tabby", tabby)
    payment = Payment.objects.get()
    proxy = losing(settings, tabby, "TABBY_API_BASE", r"/refunds$")
    try:
        with pytest.raises(RefundUnconfirmed):
            request_refund(payment=payment, amount=Decimal("6900"), reason="Returned", by=finance)
    finally:
        proxy.stop()
        settings.TABBY_API_BASE = tabby.base
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.PENDING and refund.idempotency_key
    assert refundable(payment) == Decimal(0)
    with pytest.raises(RefundNotAllowed):
        request_refund(payment=payment, amount=Decimal("1"), reason="Again", by=finance)
    assert PaymentAction.objects.filter(order=order, action="refund_unconfirmed").count() == 1

    body, headers = tabby.webhook(attempt.provider_reference, header=settings.TABBY_WEBHOOK_HEADER,
                                  value=TABBY_WEBHOOK_SECRET)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("payments:webhook", args=["tabby"]), body, content_type="application/json",
                           headers=headers).status_code == 200  # fmt: skip
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.provider_reference
    assert Refund.objects.count() == 1 and len(tabby.payments[attempt.provider_reference]["refunds"]) == 1


def test_asking_again_for_a_refund_whose_answer_was_lost_resends_it_with_the_same_key(
    client, order, tabby, settings, finance
):
    attempt = paid_with(client, order, "tabby", tabby)
    payment = Payment.objects.get()
    proxy = losing(settings, tabby, "TABBY_API_BASE", r"/refunds$")
    try:
        with pytest.raises(RefundUnconfirmed):
            request_refund(payment=payment, amount=Decimal("900"), reason="Short delivery", by=finance)
    finally:
        proxy.stop()
        settings.TABBY_API_BASE = tabby.base
    key = Refund.objects.get().idempotency_key
    refund = request_refund(payment=payment, amount=Decimal("900"), reason="Short delivery", by=finance)
    assert refund.status == Refund.Status.SUCCEEDED and refund.idempotency_key == key
    sent = [
        r.json()["reference_id"] for r in tabby.calls("POST", f"/api/v2/payments/{attempt.provider_reference}/refunds")
    ]
    assert sent == [key, key]
    assert len(tabby.payments[attempt.provider_reference]["refunds"]) == 1  # made once at Tabby
    assert Refund.objects.count() == 1 and refundable(payment) == Decimal("6000.00")


def test_a_lost_gateway_refund_answer_is_settled_by_the_gateways_state_without_sending_it_twice(
    client, order, moyasar, settings, finance
):
    attempt = paid_with(client, order, "moyasar", moyasar)
    payment = Payment.objects.get()
    proxy = losing(settings, moyasar, "MOYASAR_API_BASE", r"/refund$")
    try:
        with pytest.raises(RefundUnconfirmed):
            request_refund(payment=payment, amount=Decimal("100"), reason="Damaged", by=finance)
    finally:
        proxy.stop()
        settings.MOYASAR_API_BASE = moyasar.base
    assert Refund.objects.get().status == Refund.Status.PENDING
    # Asking again: the gateway (no idempotency key) is read first; its refunded total confirms the refund.
    refund = request_refund(payment=payment, amount=Decimal("100"), reason="Damaged", by=finance)
    assert refund.status == Refund.Status.SUCCEEDED
    assert len(moyasar.calls("POST", f"/v1/payments/{payment.reference}/refund")) == 1
    assert Refund.objects.count() == 1 and attempt.pk


def test_never_more_refunded_than_received_whatever_the_provider_reports(client, order, moyasar, finance):
    attempt = paid_with(client, order, "moyasar", moyasar)
    payment = Payment.objects.get()
    gateway_payment = moyasar.payments[payment.reference]
    gateway_payment.update(status="refunded", refunded=gateway_payment["amount"] * 2)
    apply_provider_state(attempt_id=attempt.pk, source="moyasar")  # as its event or the payer's return would
    refunded = sum(r.amount for r in Refund.objects.filter(status=Refund.Status.SUCCEEDED))
    assert refunded == payment.amount
