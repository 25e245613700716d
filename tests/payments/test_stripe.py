"""Stripe through the official library against localstripe: the PaymentIntent we create, the Payment Element
page, and payment confirmed only by a verified webhook, processed once, whatever the order or the number of
deliveries. Forged, stale, tampered and replayed deliveries write no payment state."""

from __future__ import annotations

import time
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from audit.models import SecurityEvent
from orders.models import Invoice, Order
from orders.money import Money, to_minor_units
from payments.models import Payment, PaymentAction, PaymentAttempt, ProviderEvent, Refund
from payments.selectors import PaymentState, payment_summary
from payments.services import start_payment
from tests.payments.conftest import (
    parse_csp,
    pay_intent,
    place,
    post_stripe,
    settings_csp,
    signed_delivery,
    stripe_client,
    stripe_event,
)
from tests.payments.fakes.server import RecordingProxy

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(stripe_on):
    return place(country="SA", currency="SAR", subtotal_sar=Decimal("6000"))


def start(order: Order) -> PaymentAttempt:
    return start_payment(order=order, provider="stripe", by=order.placed_by, base_url="http://testserver/")


def succeeded_event(attempt: PaymentAttempt, **kwargs) -> dict:
    intent = stripe_client().v1.payment_intents.retrieve(attempt.provider_reference).to_dict()
    return stripe_event("payment_intent.succeeded", intent, **kwargs)


def paid_attempt(order: Order) -> PaymentAttempt:
    attempt = start(order)
    pay_intent(attempt.provider_reference)
    return attempt


def test_the_payment_intent_has_the_eligible_types_the_smallest_unit_an_idempotency_key_and_the_reference(
    order, settings
):
    proxy = RecordingProxy(settings.STRIPE_API_BASE).start()
    settings.STRIPE_API_BASE = proxy.base
    try:
        attempt = start(order)
    finally:
        proxy.stop()
    call = proxy.calls("POST", "/v1/payment_intents")[0]
    sent = {key: values[0] for key, values in parse_qs(call.body.decode()).items()}
    assert sent["amount"] == str(to_minor_units(Money(order.total, "SAR"))) == "690000"
    assert sent["currency"] == "sar"
    assert {v for k, v in sent.items() if k.startswith("payment_method_types")} == {"card", "link"}
    assert sent["metadata[order_reference]"] == order.reference
    assert call.headers["Idempotency-Key"] == f"order-{order.pk}-attempt-1" == attempt.idempotency_key
    assert attempt.methods == ["card", "apple_pay", "google_pay", "link"]


def test_opening_a_stripe_payment_is_in_the_disclosure_ledger_with_what_stripe_receives(order):
    from audit.models import Disclosure

    start(order)
    disclosure = Disclosure.objects.get(order=order)
    assert (disclosure.recipient, disclosure.recipient_name) == ("payment_provider", "Stripe")
    assert disclosure.categories == ["company", "order"]  # the reference, amount and merchant code; no person


def test_korean_merchants_intent_offers_the_korean_methods_in_whole_won(stripe_on, rates, settings):
    korean = place(country="KR", currency="KRW", subtotal_sar=Decimal("5000"))  # 1,851,852 KRW: under Samsung Pay's cap
    proxy = RecordingProxy(settings.STRIPE_API_BASE).start()
    settings.STRIPE_API_BASE = proxy.base
    try:
        start(korean)
    finally:
        proxy.stop()
    sent = parse_qs(proxy.calls("POST", "/v1/payment_intents")[0].body.decode())
    types = {v[0] for k, v in sent.items() if k.startswith("payment_method_types")}
    assert types == {"card", "link", "kr_card", "kakao_pay", "naver_pay", "payco", "samsung_pay"}
    assert sent["currency"] == ["krw"] and sent["amount"] == [str(int(korean.total))]


def test_the_payment_element_page_loads_stripe_js_from_the_setting_and_csp_allows_only_it(client, order, settings):
    client.force_login(order.placed_by)
    response = client.post(reverse("pay:start", args=[order.reference, "stripe"]))
    attempt = PaymentAttempt.objects.get(order=order)
    assert response.url == reverse("pay:attempt", args=[order.reference, attempt.number])
    page = client.get(response.url)
    html = page.content.decode()
    assert f'<script src="{settings.STRIPE_JS_URL}">' in html
    assert 'src="/static/payments/stripe-payment.js"' in html
    assert f'data-client-secret="{attempt.provider_reference}_secret_' in html
    assert "<script>" not in html
    csp = parse_csp(page["Content-Security-Policy"])
    built = settings_csp(settings.STRIPE_JS_URL, settings.STRIPE_API_BASE)["DIRECTIVES"]
    assert csp == {name: list(values) for name, values in built.items()}  # exactly what the settings build
    stripe_js = settings.STRIPE_JS_URL.removesuffix("/js.stripe.com/v3/")  # localstripe serves Stripe.js and the API
    assert csp["script-src"] == ["'self'", stripe_js]
    assert csp["connect-src"] == ["'self'", settings.STRIPE_API_BASE]
    assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]


def test_the_csp_lets_stripe_js_frame_its_3d_secure_pages_from_hooks_stripe_com(settings):
    built = settings_csp("https://js.stripe.com/v3/", "https://api.stripe.com")["DIRECTIVES"]
    assert list(built["frame-src"]) == ["https://js.stripe.com", "https://hooks.stripe.com"]
    assert list(built["script-src"]) == ["'self'", "https://js.stripe.com"]
    assert list(built["connect-src"]) == ["'self'", "https://api.stripe.com"]


def test_reloading_the_payment_page_reuses_the_open_payment_intent(order):
    assert start(order).pk == start(order).pk
    assert PaymentAttempt.objects.filter(order=order).count() == 1


def test_paying_at_stripe_without_its_webhook_does_not_mark_the_order_paid(client, order):
    attempt = paid_attempt(order)
    client.force_login(order.placed_by)
    page = client.get(reverse("pay:attempt_return", args=[order.reference, attempt.number]))
    assert "Stripe is confirming your payment" in page.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT and not Payment.objects.exists()


def test_a_verified_webhook_confirms_the_payment_moves_the_order_and_issues_the_tax_invoice(
    client, order, django_capture_on_commit_callbacks
):
    attempt = paid_attempt(order)
    body, signature = signed_delivery(succeeded_event(attempt))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_stripe(client, body, signature)
    assert response.status_code == 200 and response.json() == {"received": True, "duplicate": False}
    order.refresh_from_db()
    attempt.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert attempt.status == PaymentAttempt.Status.SUCCEEDED
    payment = Payment.objects.get()
    assert (payment.amount, payment.currency, payment.reference.startswith("ch_")) == (order.total, "SAR", True)
    assert Invoice.objects.filter(order=order, kind=Invoice.Kind.TAX).exists()
    assert payment_summary(order=order).state == PaymentState.PAID
    assert ProviderEvent.objects.get().outcome == ProviderEvent.Outcome.APPLIED


def test_the_same_event_twice_is_stored_and_applied_once(client, order, django_capture_on_commit_callbacks):
    attempt = paid_attempt(order)
    event = succeeded_event(attempt)
    for _ in range(2):
        body, signature = signed_delivery(event)
        with django_capture_on_commit_callbacks(execute=True):
            response = post_stripe(client, body, signature)
        assert response.status_code == 200
    assert response.json()["duplicate"] is True
    assert ProviderEvent.objects.count() == 1
    assert Payment.objects.count() == 1
    assert PaymentAction.objects.filter(action="payment_received").count() == 1


def test_a_refund_event_before_the_success_event_records_both_once(client, order, django_capture_on_commit_callbacks):
    attempt = paid_attempt(order)
    success = succeeded_event(attempt)
    refund = stripe_client().v1.refunds.create(params={"payment_intent": attempt.provider_reference}).to_dict()
    for event in (stripe_event("refund.created", refund), success):
        body, signature = signed_delivery(event)
        with django_capture_on_commit_callbacks(execute=True):
            assert post_stripe(client, body, signature).status_code == 200
    order.refresh_from_db()
    assert Payment.objects.count() == 1
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED
    assert order.status == Order.Status.REFUNDED
    assert payment_summary(order=order).state == PaymentState.REFUNDED
    assert list(order.events.values_list("status", flat=True)) == ["awaiting_payment", "paid", "refunded"]


def forged_cases(attempt: PaymentAttempt) -> list[tuple[bytes, str]]:
    event = succeeded_event(attempt)
    body, _ = signed_delivery(event)
    _, good_signature = signed_delivery(event)
    return [
        signed_delivery(event, secret="whsec_someone_else"),  # forged signature
        signed_delivery(event, timestamp=int(time.time()) - 600),  # stale: outside the 300 s tolerance
        (body.replace(b'"succeeded"', b'"processing"', 1), good_signature),  # body changed after signing
        (body, ""),  # no signature at all
    ]


def test_forged_stale_tampered_or_unsigned_deliveries_write_no_payment_state(
    client, order, django_capture_on_commit_callbacks
):
    attempt = paid_attempt(order)
    actions = PaymentAction.objects.count()
    for body, signature in forged_cases(attempt):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_stripe(client, body, signature).status_code == 400
    order.refresh_from_db()
    attempt.refresh_from_db()
    assert not ProviderEvent.objects.exists() and not Payment.objects.exists()
    assert PaymentAction.objects.count() == actions
    assert order.status == Order.Status.AWAITING_PAYMENT and attempt.status == PaymentAttempt.Status.PENDING
    assert SecurityEvent.objects.filter(kind="webhook_invalid").count() == 4


def test_a_replayed_delivery_is_refused_once_outside_the_tolerance_and_ignored_inside_it(
    client, order, django_capture_on_commit_callbacks, settings
):
    attempt = paid_attempt(order)
    body, signature = signed_delivery(succeeded_event(attempt), timestamp=int(time.time()) - 200)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_stripe(client, body, signature).status_code == 200
        assert post_stripe(client, body, signature).json()["duplicate"] is True
    settings.STRIPE_WEBHOOK_TOLERANCE = 100  # the same captured delivery, replayed later
    assert post_stripe(client, body, signature).status_code == 400
    assert Payment.objects.count() == 1 and ProviderEvent.objects.count() == 1


def test_an_event_about_someone_elses_payment_intent_changes_nothing(client, order, django_capture_on_commit_callbacks):
    other = stripe_client().v1.payment_intents.create(params={"amount": 5000, "currency": "sar"}).to_dict()
    body, signature = signed_delivery(stripe_event("payment_intent.succeeded", other))
    with django_capture_on_commit_callbacks(execute=True):
        assert post_stripe(client, body, signature).status_code == 200
    assert ProviderEvent.objects.get().outcome == ProviderEvent.Outcome.IGNORED
    assert not Payment.objects.exists()


def test_finance_refunds_part_then_the_rest_confirmed_only_by_stripes_events(
    client, staff_client, order, django_capture_on_commit_callbacks
):
    attempt = paid_attempt(order)
    body, signature = signed_delivery(succeeded_event(attempt))
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe(client, body, signature)
    payment = Payment.objects.get()
    finance = staff_client("finance")
    url = reverse("admin:payments_orderpayment_refund", args=[order.pk])
    response = finance.post(url, {"payment": payment.pk, "amount": "1000.00", "reason": "Two cartons arrived broken"})
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.PENDING and refund.provider_reference.startswith("re_")
    assert refund.requested_by == finance.staff_user
    order.refresh_from_db()
    assert order.status == Order.Status.PAID

    stripe_refund = stripe_client().v1.refunds.retrieve(refund.provider_reference).to_dict()
    body, signature = signed_delivery(stripe_event("refund.updated", stripe_refund))
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe(client, body, signature)
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert order.status == Order.Status.PAID
    assert payment_summary(order=order).state == PaymentState.PARTIALLY_REFUNDED

    finance.post(url, {"payment": payment.pk, "amount": "5900.00", "reason": "Order returned"})
    rest = Refund.objects.exclude(pk=refund.pk).get()
    body, signature = signed_delivery(
        stripe_event("charge.refunded", stripe_client().v1.refunds.retrieve(rest.provider_reference).to_dict())
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe(client, body, signature)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert payment_summary(order=order).refunded.amount == Decimal("6900.000")


def test_finance_cannot_refund_more_than_was_paid(staff_client, client, order, django_capture_on_commit_callbacks):
    attempt = paid_attempt(order)
    body, signature = signed_delivery(succeeded_event(attempt))
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe(client, body, signature)
    finance = staff_client("finance")
    response = finance.post(
        reverse("admin:payments_orderpayment_refund", args=[order.pk]),
        {"payment": Payment.objects.get().pk, "amount": "7000", "reason": "Too much"},
    )
    assert response.status_code == 200
    assert "more than what remains refundable" in response.content.decode()
    assert not Refund.objects.exists()


def test_amounts_go_to_stripe_in_the_smallest_unit_three_decimal_currencies_in_whole_tens():
    from payments.services import stripe_amount

    assert stripe_amount(Money(Decimal("6900.00"), "SAR")) == 690000
    assert stripe_amount(Money(Decimal("1851852"), "KRW")) == 1851852
    assert stripe_amount(Money(Decimal("5.124"), "KWD")) == 5130  # Stripe takes fils in tens: rounded up
    assert stripe_amount(Money(Decimal("5.120"), "KWD")) == 5120
