"""Ten copies of a Stripe event at once, on PostgreSQL: one stored event, one payment, one paid order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from orders.models import Order
from payments.models import Payment, PaymentAction, ProviderEvent
from payments.services import start_payment
from tests.concurrency import run_together
from tests.payments.conftest import pay_intent, place, post_stripe, signed_delivery, stripe_client, stripe_event

pytestmark = [pytest.mark.services(needs=("postgres",)), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paid_at_stripe(stripe_on):
    order = place(country="SA", currency="SAR", subtotal_sar=Decimal("6000"))
    attempt = start_payment(order=order, provider="stripe", by=order.placed_by, base_url="http://testserver/")
    pay_intent(attempt.provider_reference)
    intent = stripe_client().v1.payment_intents.retrieve(attempt.provider_reference).to_dict()
    return order, intent


def test_ten_concurrent_copies_of_one_event_store_it_once_and_pay_once(paid_at_stripe):
    order, intent = paid_at_stripe
    body, signature = signed_delivery(stripe_event("payment_intent.succeeded", intent))
    outcomes = run_together(lambda _: post_stripe(Client(), body, signature).status_code, list(range(10)))
    assert outcomes == [200] * 10
    order.refresh_from_db()
    assert ProviderEvent.objects.count() == 1
    assert Payment.objects.count() == 1
    assert PaymentAction.objects.filter(action="payment_received").count() == 1
    assert order.status == Order.Status.PAID
    assert list(order.events.values_list("status", flat=True)) == ["awaiting_payment", "paid"]


def test_ten_different_events_about_one_payment_at_once_pay_once(paid_at_stripe):
    order, intent = paid_at_stripe
    kinds = ["payment_intent.succeeded", "charge.succeeded"] * 5
    deliveries = []
    for number, kind in enumerate(kinds):
        obj = (
            intent if kind.startswith("payment_intent") else {**intent["latest_charge"], "payment_intent": intent["id"]}
        )
        deliveries.append(signed_delivery(stripe_event(kind, obj, event_id=f"evt_concurrent_{number}")))
    outcomes = run_together(lambda delivery: post_stripe(Client(), *delivery).status_code, deliveries)
    assert outcomes == [200] * 10
    order.refresh_from_db()
    assert ProviderEvent.objects.count() == 10
    assert set(ProviderEvent.objects.values_list("outcome", flat=True)) == {"applied"}
    assert Payment.objects.count() == 1
    assert order.status == Order.Status.PAID
    assert order.events.filter(status="paid").count() == 1
