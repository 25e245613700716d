"""A courier API answering with something malformed fails or retries the shipment, never leaves it preparing."""

from __future__ import annotations

import pytest

from shipping.models import Shipment
from shipping.services import start_white_label_shipping
from tests.shipping.test_jobs import paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_retries():
    from portal.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.mark.parametrize(
    ("bad_answer", "reason"),
    [
        ("array", "JSON list, not an object"),
        ("label_number", "label_pdf is a int, not base64 text"),
        ("not_pdf", "label is not a PDF"),
    ],
)
def test_a_booking_answer_of_the_wrong_shape_fails_the_shipment_with_the_reason(
    courier, django_capture_on_commit_callbacks, bad_answer, reason
):
    courier.bad_answer = bad_answer
    order, owner = paid(1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    shipment = Shipment.objects.get(order=order)
    assert (shipment.status, shipment.error_code) == ("failed", "carrier_rejected")
    assert reason in shipment.error
    assert not shipment.label


def test_a_booking_answer_cut_off_on_the_way_is_retried_then_fails_and_alerts(
    courier, django_capture_on_commit_callbacks, settings, eager_retries
):
    from django.core import mail

    from portal.staff import create_staff_member

    settings.SHIPPING_MAX_ATTEMPTS = 2
    create_staff_member(email="pack@store.test", roles=["fulfilment"])
    courier.bad_answer = "truncated"
    order, owner = paid(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    shipment = Shipment.objects.get(order=order)
    assert (shipment.status, shipment.error_code) == ("failed", "carrier_unavailable")
    assert courier.requests[str(shipment.idempotency_key)] == 2, "retried before failing"
    assert courier.booking_count == 1, "the same idempotency key: still one parcel"
    assert [m.to for m in mail.outbox if "failed" in m.subject] == [["pack@store.test"]]


def test_the_booking_succeeds_once_the_courier_answers_properly_again(
    courier, django_capture_on_commit_callbacks, settings, eager_retries
):
    courier.bad_answer = "truncated"
    order, owner = paid(1)
    settings.SHIPPING_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    shipment = Shipment.objects.get(order=order)
    assert shipment.status == "failed"
    courier.bad_answer = ""
    from shipping import services

    with django_capture_on_commit_callbacks(execute=True):
        services.retry_shipment(shipment_id=shipment.pk, by=owner.user)
    shipment.refresh_from_db()
    assert shipment.status == "label_created" and shipment.label
    assert courier.booking_count == 1
