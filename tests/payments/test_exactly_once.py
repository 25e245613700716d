"""Every verified provider event is processed exactly once: an event stored but never processed (its enqueue lost,
or its job out of retries) is enqueued again by the provider's re-delivery and by the scheduled sweep, and a
webhook whose enqueue fails still answers 200 (the event is stored)."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from orders.models import Order
from payments.models import Payment, ProviderEvent
from payments.services import process_event, start_payment, sweep_unprocessed_events
from payments.tasks import process_provider_event
from tests.payments.conftest import pay_intent, place, post_stripe, signed_delivery, stripe_client, stripe_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(stripe_on):
    """A Stripe order paid at Stripe, and the signed delivery of its success event."""
    order = place(country="SA", currency="SAR", subtotal_sar=Decimal("6000"))
    attempt = start_payment(order=order, provider="stripe", by=order.placed_by, base_url="http://testserver/")
    pay_intent(attempt.provider_reference)
    intent = stripe_client().v1.payment_intents.retrieve(attempt.provider_reference).to_dict()
    return order, signed_delivery(stripe_event("payment_intent.succeeded", intent))


def test_an_event_whose_job_was_never_enqueued_is_processed_by_the_sweep(
    client, delivery, django_capture_on_commit_callbacks
):
    order, (body, signature) = delivery
    assert post_stripe(client, body, signature).status_code == 200  # commit callbacks not run: the enqueue is lost
    event = ProviderEvent.objects.get()
    assert event.processed_at is None
    assert sweep_unprocessed_events(now=timezone.now()) == 0  # too recent: its job may still be on its way
    with django_capture_on_commit_callbacks(execute=True):  # the sweep's job commits: its enqueues go out
        assert sweep_unprocessed_events(now=timezone.now() + timedelta(minutes=6)) == 1
    event.refresh_from_db()
    order.refresh_from_db()
    assert event.processed_at is not None and event.outcome == ProviderEvent.Outcome.APPLIED
    assert order.status == Order.Status.PAID and Payment.objects.count() == 1
    assert sweep_unprocessed_events(now=timezone.now() + timedelta(minutes=12)) == 0


def test_a_redelivery_of_a_stored_but_unprocessed_event_is_processed(
    client, delivery, django_capture_on_commit_callbacks
):
    order, (body, signature) = delivery
    post_stripe(client, body, signature)  # stored; its job lost
    with django_capture_on_commit_callbacks(execute=True):
        response = post_stripe(client, body, signature)  # Stripe delivers it again
    assert response.status_code == 200 and response.json()["duplicate"] is True
    order.refresh_from_db()
    assert ProviderEvent.objects.get().processed_at is not None
    assert order.status == Order.Status.PAID and Payment.objects.count() == 1


def test_processing_an_event_again_changes_nothing(client, delivery, django_capture_on_commit_callbacks):
    order, (body, signature) = delivery
    with django_capture_on_commit_callbacks(execute=True):
        post_stripe(client, body, signature)
    event = ProviderEvent.objects.get()
    assert process_event(event_id=event.pk) == ProviderEvent.Outcome.APPLIED
    assert sweep_unprocessed_events(now=timezone.now() + timedelta(hours=1)) == 0
    assert Payment.objects.count() == 1
    assert order.events.filter(status="paid").count() == 1


def test_the_webhook_answers_200_when_the_enqueue_fails_and_the_sweep_processes_the_event_later(
    client, delivery, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    order, (body, signature) = delivery

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to the broker. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(process_provider_event, "delay", broker_down)
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            response = post_stripe(client, body, signature)
    assert response.status_code == 200
    event = ProviderEvent.objects.get()
    assert event.processed_at is None
    assert any(record.getMessage().startswith("provider event not enqueued") for record in caplog.records)
    with django_capture_on_commit_callbacks(execute=True):  # the sweep's job commits: its enqueues go out
        assert sweep_unprocessed_events(now=timezone.now() + timedelta(minutes=6)) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and Payment.objects.count() == 1


def test_the_event_sweep_is_scheduled_every_few_minutes():
    task = PeriodicTask.objects.get(task="payments.tasks.sweep_provider_events")
    assert task.enabled and task.interval.period == "minutes" and task.interval.every <= 10
