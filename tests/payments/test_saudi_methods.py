"""Mada (a Saudi card gateway on Moyasar's API), Tabby and Tamara, each against a local fake server speaking
the provider's documented API: amounts in SAR (halalas where the API wants them), callbacks verified by asking
the provider again, the merchant's country checked on the server."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from audit.models import Disclosure, SecurityEvent
from orders.models import Order
from payments.models import Payment, PaymentAction, PaymentAttempt, ProviderEvent, Refund
from payments.selectors import PaymentState, payment_summary
from payments.services import eligibility_for, request_refund
from tests.factories import MembershipFactory
from tests.merchants.factories import ApplicationFactory
from tests.payments.conftest import MOYASAR_WEBHOOK_SECRET, TABBY_WEBHOOK_SECRET, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    membership = MembershipFactory(merchant__country="SA", merchant__currency="SAR")
    ApplicationFactory(applicant=membership.user, merchant=membership.merchant, contact_phone="+966501234567")
    return membership


@pytest.fixture
def order(member):
    return place(membership=member, subtotal_sar=Decimal("6000"))  # 6,900.00 SAR with VAT


def start(client, order: Order, provider: str) -> PaymentAttempt:
    client.force_login(order.placed_by)
    response = client.post(reverse("pay:start", args=[order.reference, provider]))
    attempt = PaymentAttempt.objects.get(order=order, provider=provider)
    assert response.url == reverse("pay:attempt", args=[order.reference, attempt.number])
    page = client.get(response.url).content.decode()
    assert f'href="{attempt.checkout_url}"' in page
    return attempt


def land(client, url: str):
    """The payer's browser arrives back at our return page from the provider's redirect."""
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}", follow=True)


# --- Mada ------------------------------------------------------------------------------------------------------


def test_mada_is_paid_on_the_gateways_page_and_confirmed_by_fetching_the_payment(client, order, moyasar):
    attempt = start(client, order, "moyasar")
    sent = moyasar.calls("POST", "/v1/invoices")[0].json()
    assert sent["amount"] == 690000 and sent["currency"] == "SAR"  # halalas
    assert sent["metadata"]["order_reference"] == order.reference
    assert reverse("pay:attempt_return", args=[order.reference, attempt.number]) in sent["success_url"]

    landing = moyasar.pay_invoice(attempt.provider_reference, company="mada")
    page = land(client, landing)
    assert "your payment has been received" in page.content.decode()
    order.refresh_from_db()
    payment = Payment.objects.get()
    assert order.status == Order.Status.PAID
    assert (payment.amount, payment.method, payment.provider) == (Decimal("6900.000"), "mada", "moyasar")
    assert moyasar.calls("GET", f"/v1/invoices/{attempt.provider_reference}")


def test_a_return_claiming_success_is_not_believed_when_the_gateway_says_failed(client, order, moyasar):
    attempt = start(client, order, "moyasar")
    landing = moyasar.pay_invoice(attempt.provider_reference, outcome="decline")
    forged = landing.replace("status=failed", "status=paid")
    page = land(client, forged)
    assert "The payment was not completed" in page.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT and not Payment.objects.exists()


def test_gateway_webhooks_need_the_shared_secret_and_are_applied_once(
    client, order, moyasar, django_capture_on_commit_callbacks
):
    attempt = start(client, order, "moyasar")
    moyasar.pay_invoice(attempt.provider_reference)
    payment_id = moyasar.invoices[attempt.provider_reference]["payment_ids"][0]
    url = reverse("payments:webhook", args=["moyasar"])
    forged = moyasar.webhook(payment_id, event_type="payment_paid", secret_token="guess")
    assert client.post(url, forged, content_type="application/json").status_code == 400
    assert not ProviderEvent.objects.exists() and not Payment.objects.exists()
    assert SecurityEvent.objects.filter(kind="webhook_invalid").exists()
    event = moyasar.webhook(payment_id, event_type="payment_paid", secret_token=MOYASAR_WEBHOOK_SECRET)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, event, content_type="application/json").status_code == 200
    assert ProviderEvent.objects.get().payload.get("secret_token") is None  # the secret is never stored
    assert Payment.objects.count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


def test_a_mada_refund_is_sent_in_halalas_and_confirmed_by_the_gateway(client, order, moyasar, staff_client):
    attempt = start(client, order, "moyasar")
    land(client, moyasar.pay_invoice(attempt.provider_reference))
    finance = staff_client("finance")
    finance.post(
        reverse("admin:payments_orderpayment_refund", args=[order.pk]),
        {"payment": Payment.objects.get().pk, "amount": "900.50", "reason": "Short delivery"},
    )
    refund = Refund.objects.get()
    payment_id = Payment.objects.get().reference
    assert moyasar.calls("POST", f"/v1/payments/{payment_id}/refund")[0].json() == {"amount": 90050}
    assert refund.status == Refund.Status.SUCCEEDED
    assert payment_summary(order=order).state == PaymentState.PARTIALLY_REFUNDED


def test_a_french_merchant_posting_to_the_mada_endpoint_is_refused(client, moyasar, settings):
    order = place(country="FR", currency="USD", subtotal_sar=Decimal("6000"))
    client.force_login(order.placed_by)
    response = client.post(reverse("pay:start", args=[order.reference, "moyasar"]), follow=True)
    assert "This payment method is not available for this order" in response.content.decode()
    assert not PaymentAttempt.objects.exists()
    assert moyasar.requests == []


def test_the_payment_page_shows_saudi_methods_only_to_saudi_merchants(client, order, moyasar, tabby, tamara):
    client.force_login(order.placed_by)
    page = client.get(reverse("pay:order", args=[order.reference])).content.decode()
    assert all(f'id="method-{code}"' in page for code in ("mada", "tabby", "tamara"))
    american = place(country="US", currency="USD", subtotal_sar=Decimal("6000"))
    client.force_login(american.placed_by)
    page = client.get(reverse("pay:order", args=[american.reference])).content.decode()
    assert not any(f'id="method-{code}"' in page for code in ("mada", "tabby", "tamara", "bank_transfer"))


# --- Tabby -----------------------------------------------------------------------------------------------------


def test_tabby_checkout_authorisation_and_capture(client, order, tabby):
    attempt = start(client, order, "tabby")
    sent = tabby.calls("POST", "/api/v2/checkout")[0].json()
    assert sent["payment"]["amount"] == "6900.00" and sent["payment"]["currency"] == "SAR"
    assert sent["payment"]["buyer"]["phone"] == "+966501234567"
    assert sent["payment"]["order"]["reference_id"] == order.reference
    assert Disclosure.objects.filter(recipient_name="Tabby", order=order).exists()

    page = land(client, tabby.approve(attempt.checkout_url))
    assert "your payment has been received" in page.content.decode()
    capture = tabby.calls("POST", f"/api/v2/payments/{attempt.provider_reference}/captures")[0].json()
    assert capture == {"amount": "6900.00", "reference_id": f"capture-{attempt.idempotency_key}"}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert tabby.payments[attempt.provider_reference]["status"] == "CLOSED"


def test_tabby_declining_at_pre_scoring_tells_the_merchant(client, member, tabby):
    member.user.email = "declined.buyer@example.test"
    member.user.save()
    order = place(membership=member, subtotal_sar=Decimal("6000"))
    client.force_login(order.placed_by)
    page = client.post(reverse("pay:start", args=[order.reference, "tabby"]), follow=True).content.decode()
    assert "The payment provider refused this payment" in page
    assert PaymentAttempt.objects.get().status == PaymentAttempt.Status.FAILED


def test_tabby_webhooks_need_the_registered_header(client, order, tabby, settings, django_capture_on_commit_callbacks):
    attempt = start(client, order, "tabby")
    tabby.approve(attempt.checkout_url)
    url = reverse("payments:webhook", args=["tabby"])
    body, headers = tabby.webhook(attempt.provider_reference, header=settings.TABBY_WEBHOOK_HEADER, value="wrong")
    assert client.post(url, body, content_type="application/json", headers=headers).status_code == 400
    assert not Payment.objects.exists()
    body, headers = tabby.webhook(attempt.provider_reference, header=settings.TABBY_WEBHOOK_HEADER,
                                  value=TABBY_WEBHOOK_SECRET)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, body, content_type="application/json", headers=headers).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and Payment.objects.count() == 1


def test_a_tabby_refund_is_listed_by_tabby_and_confirmed(client, order, tabby, staff_client):
    attempt = start(client, order, "tabby")
    land(client, tabby.approve(attempt.checkout_url))
    refund = request_refund(
        payment=Payment.objects.get(), amount=Decimal("6900"), reason="Returned", by=staff_client("finance").staff_user
    )
    assert refund.status == Refund.Status.SUCCEEDED
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED


# --- Tamara ----------------------------------------------------------------------------------------------------


def test_tamara_notification_with_its_token_leads_to_authorise_and_capture(
    client, order, tamara, django_capture_on_commit_callbacks
):
    attempt = start(client, order, "tamara")
    sent = tamara.calls("POST", "/checkout")[0].json()
    assert sent["total_amount"] == {"amount": 6900.0, "currency": "SAR"}
    assert sent["merchant_url"]["notification"].endswith(reverse("payments:webhook", args=["tamara"]))
    tamara.approve(attempt.checkout_url)
    body, token = tamara.notification(attempt.provider_reference)
    url = reverse("payments:webhook", args=["tamara"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{url}?tamaraToken={token}", body, content_type="application/json").status_code == 200
    assert tamara.calls("POST", f"/orders/{attempt.provider_reference}/authorise")
    assert tamara.calls("POST", "/payments/capture")[0].json()["total_amount"] == {"amount": 6900.0, "currency": "SAR"}
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Disclosure.objects.filter(recipient_name="Tamara", order=order).exists()


def test_tamara_notifications_with_a_bad_token_change_nothing(client, order, tamara):
    attempt = start(client, order, "tamara")
    tamara.approve(attempt.checkout_url)
    body, token = tamara.notification(attempt.provider_reference, key="not-our-notification-token-but-long-enough")
    url = reverse("payments:webhook", args=["tamara"])
    assert client.post(f"{url}?tamaraToken={token}", body, content_type="application/json").status_code == 400
    assert client.post(url, body, content_type="application/json").status_code == 400
    assert not ProviderEvent.objects.exists()
    assert tamara.calls("POST", f"/orders/{attempt.provider_reference}/authorise") == []


def test_tamara_return_and_notification_together_capture_once(
    client, order, tamara, django_capture_on_commit_callbacks
):
    attempt = start(client, order, "tamara")
    land(client, tamara.approve(attempt.checkout_url))
    body, token = tamara.notification(attempt.provider_reference)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{reverse('payments:webhook', args=['tamara'])}?tamaraToken={token}", body,
                    content_type="application/json")  # fmt: skip
    assert len(tamara.calls("POST", "/payments/capture")) == 1
    assert Payment.objects.count() == 1


def test_a_tamara_order_whose_amount_was_changed_is_not_captured(client, order, tamara):
    attempt = start(client, order, "tamara")
    tamara.approve(attempt.checkout_url)
    tamara.orders[attempt.provider_reference]["total_amount"] = {"amount": 1.0, "currency": "SAR"}
    land(client, f"http://testserver{reverse('pay:attempt_return', args=[order.reference, attempt.number])}?x=1")
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert tamara.calls("POST", "/payments/capture") == []
    assert PaymentAction.objects.filter(order=order, action="mismatch").exists()


def test_a_tamara_partial_refund(client, order, tamara, staff_client):
    attempt = start(client, order, "tamara")
    land(client, tamara.approve(attempt.checkout_url))
    refund = request_refund(
        payment=Payment.objects.get(),
        amount=Decimal("100"),
        reason="Damaged box",
        by=staff_client("finance").staff_user,
    )
    assert tamara.calls("POST", f"/payments/simplified-refund/{attempt.provider_reference}")[0].json()[
        "total_amount"
    ] == {"amount": 100.0, "currency": "SAR"}
    assert refund.status == Refund.Status.SUCCEEDED
    assert payment_summary(order=order).state == PaymentState.PARTIALLY_REFUNDED


@pytest.mark.parametrize("provider", ["moyasar", "tabby", "tamara"])
def test_a_french_merchant_with_a_sar_order_is_refused_the_saudi_methods_for_its_country_alone(
    client, moyasar, tabby, tamara, bank_transfer_on, provider
):
    order = place(country="FR", currency="SAR", subtotal_sar=Decimal("6000"))
    refused = {d.method.code: {r.code for r in d.reasons} for d in eligibility_for(order=order).refused}
    assert {code: refused.get(code) for code in ("mada", "tabby", "tamara", "bank_transfer")} == {
        "mada": {"country"},
        "tabby": {"country"},
        "tamara": {"country"},
        "bank_transfer": {"country"},
    }
    client.force_login(order.placed_by)
    page = client.post(reverse("pay:start", args=[order.reference, provider]), follow=True).content.decode()
    assert "This payment method is not available for this order" in page
    page = client.post(reverse("pay:bank_transfer", args=[order.reference]), follow=True).content.decode()
    assert "This payment method is not available for this order" in page
    assert not PaymentAttempt.objects.exists()
    assert moyasar.requests == [] and tabby.requests == [] and tamara.requests == []
