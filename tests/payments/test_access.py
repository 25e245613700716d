"""Who may open the payment pages: anonymous (to sign-in), a member of another merchant (404), a member
without the buying role (sees, cannot pay), a buyer (pays); webhooks take only POST."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import BankTransfer, PaymentAttempt
from payments.services import add_proof, choose_bank_transfer
from tests.branding.helpers import png
from tests.factories import MembershipFactory
from tests.payments.conftest import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(bank_transfer_on):
    return place(country="SA", currency="SAR", subtotal_sar=Decimal("6000"))


@pytest.fixture
def transfer(order):
    transfer = choose_bank_transfer(order=order, by=order.placed_by)
    add_proof(transfer=transfer, upload=png("proof.png"), by=order.placed_by)
    return transfer


def pages(order, transfer):
    proof = transfer.proofs.get()
    return {
        "pay:order": ("get", [order.reference]),
        "pay:bank_transfer": ("get", [order.reference]),
        "pay:proof": ("get", [order.reference, proof.pk]),
        "pay:attempt": ("get", [order.reference, transfer.attempt.number]),
        "pay:start": ("post", [order.reference, "stripe"]),
        "pay:proof_upload": ("post", [order.reference]),
    }


@pytest.mark.parametrize(
    "name", ["pay:order", "pay:bank_transfer", "pay:proof", "pay:attempt", "pay:start", "pay:proof_upload"]
)
def test_anonymous_visitors_are_sent_to_sign_in(client, order, transfer, name):
    method, args = pages(order, transfer)[name]
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize(
    "name", ["pay:order", "pay:bank_transfer", "pay:proof", "pay:attempt", "pay:start", "pay:proof_upload"]
)
def test_a_member_of_another_merchant_gets_404(client, order, transfer, name):
    method, args = pages(order, transfer)[name]
    client.force_login(MembershipFactory(role="owner").user)
    assert getattr(client, method)(reverse(name, args=args)).status_code == 404


def test_a_viewer_sees_the_payment_state_but_cannot_pay_or_upload(client, order, transfer):
    viewer = MembershipFactory(merchant=order.merchant, role="viewer").user
    client.force_login(viewer)
    page = client.get(reverse("pay:order", args=[order.reference])).content.decode()
    assert "Choose how to pay" not in page and "Unpaid" in page
    assert client.get(reverse("pay:bank_transfer", args=[order.reference])).status_code == 200
    assert client.post(reverse("pay:start", args=[order.reference, "stripe"])).status_code == 403
    assert client.post(reverse("pay:proof_upload", args=[order.reference]), {"file": png("x.png")}).status_code == 403
    assert transfer.proofs.count() == 1


def test_a_buyer_may_pay_and_upload(client, order, transfer):
    buyer = MembershipFactory(merchant=order.merchant, role="buyer").user
    client.force_login(buyer)
    page = client.get(reverse("pay:order", args=[order.reference])).content.decode()
    assert "Choose how to pay" in page and 'id="method-bank_transfer"' in page
    client.post(reverse("pay:proof_upload", args=[order.reference]), {"file": png("second.png")})
    assert transfer.proofs.count() == 2


def test_a_paid_or_cancelled_order_offers_no_payment(client, order):
    from orders import services as orders

    orders.cancel_order(order=order, reason="changed our mind")
    client.force_login(order.placed_by)
    page = client.get(reverse("pay:order", args=[order.reference])).content.decode()
    assert "Choose how to pay" not in page
    response = client.post(reverse("pay:bank_transfer", args=[order.reference]), follow=True)
    assert "can no longer be paid" in response.content.decode()
    assert not BankTransfer.objects.exists() and not PaymentAttempt.objects.exists()


@pytest.mark.parametrize("provider", ["stripe", "moyasar", "tabby", "tamara"])
def test_webhooks_take_only_post_and_unknown_providers_are_404(client, provider):
    assert client.get(reverse("payments:webhook", args=[provider])).status_code == 405
    assert client.post("/payments/webhooks/paypal/", b"{}", content_type="application/json").status_code == 404
