"""An order is paid once: an authorisation for an order that no longer awaits payment (cancelled, expired) is
cancelled at the provider, never captured; a new attempt cancels the order's other open attempts; and money
received beyond the order's total is flagged for finance."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from orders import services as orders
from orders.models import Order
from payments.models import Payment, PaymentAction, PaymentAttempt
from tests.factories import MembershipFactory
from tests.merchants.factories import ApplicationFactory
from tests.payments.conftest import TABBY_WEBHOOK_SECRET, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    membership = MembershipFactory(merchant__country="SA", merchant__currency="SAR")
    ApplicationFactory(applicant=membership.user, merchant=membership.merchant, contact_phone="+966501234567")
    return place(membership=membership, subtotal_sar=Decimal("6000"))  # 6,900.00 SAR with VAT


def start(client, order: Order, provider: str) -> PaymentAttempt:
    client.force_login(order.placed_by)
    client.post(reverse("pay:start", args=[order.reference, provider]))
    return PaymentAttempt.objects.filter(order=order, provider=provider).latest("number")


def land(client, url: str):
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}", follow=True)


def test_a_tabby_authorisation_for_a_cancelled_order_is_closed_at_tabby_not_captured(
    client, order, tabby, settings, django_capture_on_commit_callbacks
):
    attempt = start(client, order, "tabby")
    tabby.approve(attempt.checkout_url)  # authorised at Tabby; its webhook is on its way
    orders.cancel_order(order=order, reason="Changed my mind", source="portal")
    body, headers = tabby.webhook(attempt.provider_reference, header=settings.TABBY_WEBHOOK_HEADER,
                                  value=TABBY_WEBHOOK_SECRET)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payments:webhook", args=["tabby"]), body, content_type="application/json",
                               headers=headers)  # fmt: skip
    assert response.status_code == 200
    assert tabby.calls("POST", f"/api/v2/payments/{attempt.provider_reference}/captures") == []
    assert tabby.calls("POST", f"/api/v2/payments/{attempt.provider_reference}/close")
    attempt.refresh_from_db()
    order.refresh_from_db()
    assert attempt.status == PaymentAttempt.Status.CANCELED
    assert order.status == Order.Status.CANCELLED and not Payment.objects.exists()
    assert PaymentAction.objects.filter(order=order, action="authorisation_cancelled").count() == 1


def test_a_tamara_approval_for_a_cancelled_order_is_cancelled_at_tamara_not_authorised_or_captured(
    client, order, tamara
):
    attempt = start(client, order, "tamara")
    landing = tamara.approve(attempt.checkout_url)
    orders.cancel_order(order=order, reason="Expired", source="payments")
    land(client, landing)  # the payer comes back after the order was cancelled
    assert tamara.calls("POST", f"/orders/{attempt.provider_reference}/authorise") == []
    assert tamara.calls("POST", "/payments/capture") == []
    assert tamara.calls("POST", f"/orders/{attempt.provider_reference}/cancel")
    assert tamara.orders[attempt.provider_reference]["status"] == "canceled"
    attempt.refresh_from_db()
    assert attempt.status == PaymentAttempt.Status.CANCELED and not Payment.objects.exists()
    assert PaymentAction.objects.filter(order=order, action="authorisation_cancelled").exists()


def test_starting_a_payment_cancels_the_orders_other_open_attempts(client, order, moyasar, tabby):
    first = start(client, order, "moyasar")
    second = start(client, order, "tabby")
    assert moyasar.invoices[first.provider_reference]["status"] == "canceled"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == PaymentAttempt.Status.CANCELED and second.status == PaymentAttempt.Status.PENDING
    assert PaymentAction.objects.filter(order=order, attempt=first, action="attempt_replaced").exists()
    start(client, order, "moyasar")
    assert tabby.payments[second.provider_reference]["status"] == "CLOSED"
    second.refresh_from_db()
    assert second.status == PaymentAttempt.Status.CANCELED


def test_money_received_through_two_providers_is_flagged_as_an_overpayment_for_finance(
    client, order, moyasar, tabby, staff_client
):
    first = start(client, order, "moyasar")
    gateway_landing = moyasar.pay_invoice(first.provider_reference)  # paid at the gateway; the payer never returns
    second = start(client, order, "tabby")  # cancelling the paid invoice is refused: best effort
    first.refresh_from_db()
    assert first.status == PaymentAttempt.Status.PENDING
    land(client, tabby.approve(second.checkout_url))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert not PaymentAction.objects.filter(order=order, action="overpaid").exists()
    land(client, gateway_landing)  # the gateway's payment arrives too
    assert Payment.objects.filter(order=order).count() == 2
    flag = PaymentAction.objects.get(order=order, action="overpaid")
    assert flag.amount == order.total
    land(client, gateway_landing)
    assert PaymentAction.objects.filter(order=order, action="overpaid").count() == 1
    page = staff_client("finance").get(reverse("admin:payments_orderpayment_change", args=[order.pk]))
    assert "overpaid" in page.content.decode()
