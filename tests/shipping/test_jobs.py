"""The jobs: slip -> carrier -> notices, idempotent, retried with backoff and jitter, then failed, alerted, retried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from orders import services as order_services
from orders.models import Order
from portal.staff import create_staff_member
from shipping import services
from shipping.models import Shipment
from shipping.services import start_white_label_shipping
from tests.shipping.helpers import brand_kit, white_label_order, with_consignees

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_retries():
    """Eager tasks retry in place only when their errors are not propagated (as in a worker)."""
    from portal.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


def paid(units: int, *, notify: bool = False):
    order, owner = white_label_order(units=units)
    brand_kit(owner)
    with_consignees(order, owner, units)
    if notify:
        services.set_notify_consignees(order=order, by=owner.user, notify=True)
    return order_services.mark_paid(order=order, source="test"), owner


def test_running_every_job_twice_changes_nothing_the_first_run_did(courier, django_capture_on_commit_callbacks):
    order, owner = paid(1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    shipment = Shipment.objects.get(order=order)
    slip, events, outbox = shipment.slip.name, shipment.events.count(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert start_white_label_shipping(order=Order.objects.get(pk=order.pk)) == []
        assert services.prepare_shipment(shipment_id=shipment.pk) == "label_created"
        assert services.book_shipment(shipment_id=shipment.pk) == "label_created"
        assert services.notify_shipment(shipment_id=shipment.pk) == "label_created"
    shipment.refresh_from_db()
    assert (shipment.slip.name, shipment.events.count(), len(mail.outbox)) == (slip, events, outbox)
    assert courier.booking_count == 1 and sum(courier.requests.values()) == 1


def test_transient_carrier_errors_are_retried_until_the_booking_succeeds(
    courier, django_capture_on_commit_callbacks, eager_retries
):
    courier.fail_next = 2
    order, owner = paid(1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    shipment = Shipment.objects.get(order=order)
    assert shipment.status == "label_created" and shipment.tracking_number
    assert courier.requests[str(shipment.idempotency_key)] == 3 and courier.booking_count == 1
    assert (shipment.error_code, shipment.retry_at) == ("", None)


def test_after_the_last_retry_the_shipment_fails_staff_are_alerted_and_an_admin_retry_ships_it(
    courier, django_capture_on_commit_callbacks, settings, eager_retries
):
    settings.SHIPPING_MAX_ATTEMPTS = 3
    create_staff_member(email="pack@store.test", roles=["fulfilment"])
    create_staff_member(email="money@store.test", roles=["finance"])
    courier.fail_next = 3
    order, owner = paid(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    shipment = Shipment.objects.get(order=order)
    assert (shipment.status, shipment.error_code, shipment.attempts) == ("failed", "carrier_unavailable", 3)
    assert courier.requests[str(shipment.idempotency_key)] == 3
    alerts = [m for m in mail.outbox if "failed" in m.subject]
    assert [m.to for m in alerts] == [["pack@store.test"]], "fulfilment staff only"
    notice = [m for m in mail.outbox if m.to == [owner.user.email] and order.reference in m.subject]
    assert len(notice) == 1 and "could not be booked yet" in notice[0].body

    staff = create_staff_member(email="lead@store.test", roles=["fulfilment"])
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.get(email=staff.email)
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_shipment(shipment_id=shipment.pk, by=lead, note="carrier back up")
    shipment.refresh_from_db()
    assert shipment.status == "label_created" and shipment.tracking_number
    retry = shipment.events.get(to_status="pending", from_status="failed")
    assert (retry.by, retry.source, retry.note) == (lead, "admin", "carrier back up")


def test_a_refusal_by_the_carrier_fails_at_once_with_its_reason(courier, django_capture_on_commit_callbacks):
    courier.reject_all = True
    order, owner = paid(1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    shipment = Shipment.objects.get(order=order)
    assert (shipment.status, shipment.error_code) == ("failed", "carrier_rejected")
    assert "postal code not served" in shipment.error
    assert sum(courier.requests.values()) == 1


def test_backoff_doubles_from_the_base_up_to_the_cap_with_jitter(settings):
    settings.SHIPPING_RETRY_BASE_SECONDS, settings.SHIPPING_RETRY_MAX_SECONDS = 10, 100
    delays = {attempt: [services.backoff_delay(attempt) for _ in range(200)] for attempt in (1, 2, 3, 5, 9)}
    for attempt, ceiling in ((1, 10), (2, 20), (3, 40), (5, 100), (9, 100)):
        assert all(ceiling / 2 <= d <= ceiling for d in delays[attempt])
        assert len({round(d, 6) for d in delays[attempt]}) > 150, "jittered, not fixed"


def test_consignees_get_a_notice_in_the_merchants_name_when_the_merchant_chose_it(
    courier, django_capture_on_commit_callbacks, settings
):
    order, owner = paid(2, notify=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    to_consignees = [m for m in mail.outbox if m.to != [owner.user.email]]
    assert [m.to for m in to_consignees] == [["amina@example.test"], ["lucie@example.test"]]
    for message in to_consignees:
        assert message.from_email == "Atlas Argan Boutique <no-reply@parcel-notices.example>"
        assert "Atlas Argan Boutique" in message.body and "FC" in message.body
        assert "maroc" not in (message.body + message.subject + message.alternatives[0][0]).lower()
        assert f'<html lang="{owner.merchant.language}">' in message.alternatives[0][0]


def test_no_consignee_notice_unless_the_merchant_chose_it(courier, django_capture_on_commit_callbacks):
    order, owner = paid(2, notify=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    assert [m.to for m in mail.outbox] == [[owner.user.email]]


def test_the_sweep_publishes_again_what_stopped_moving(courier, django_capture_on_commit_callbacks, settings):
    order, owner = paid(2)
    with django_capture_on_commit_callbacks(execute=False):  # the jobs are never published: "lost"
        start_white_label_shipping(order=order)
    assert set(Shipment.objects.filter(order=order).values_list("status", flat=True)) == {"pending"}
    assert services.requeue_stalled() == 0, "too recent to be stalled"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stalled(older_than=timedelta(0)) == 2
    assert set(Shipment.objects.filter(order=order).values_list("status", flat=True)) == {"label_created"}
    assert Order.objects.get(pk=order.pk).shipping_plan.merchant_notified_at is not None


def test_a_merchant_without_a_brand_kit_is_blocked_before_anything_is_printed(
    courier, django_capture_on_commit_callbacks
):
    order, owner = white_label_order(units=1)
    with_consignees(order, owner, 1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))
    shipment = Shipment.objects.get(order=order)
    assert (shipment.status, shipment.error_code) == ("failed", "no_brand_kit")
    assert courier.booking_count == 0


def test_shipping_waits_for_payment():
    order, owner = white_label_order(units=1)
    with_consignees(order, owner, 1)
    with pytest.raises(services.OrderNotPaid):
        start_white_label_shipping(order=order)
