"""Tracking pulls survive bad answers, and parcels lost or returned early still move."""

from __future__ import annotations

import pytest
from django.core import mail

from portal.staff import create_staff_member
from shipping import services
from shipping.models import Shipment
from shipping.services.tracking import _path
from tests.shipping.test_tracking import booked

pytestmark = pytest.mark.django_db


def test_one_bad_tracking_answer_is_recorded_and_the_run_goes_on_with_the_others(
    courier, django_capture_on_commit_callbacks
):
    order = booked(courier, django_capture_on_commit_callbacks, units=2)
    first, second = Shipment.objects.filter(order=order).order_by("pk")
    courier.bad_tracking = {first.carrier_reference}
    courier.set_status(second.carrier_reference, "delivered")

    assert services.pull_tracking() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == "delivered"
    assert (first.status, first.error_code) == ("label_created", "tracking_failed")
    assert "JSON list" in first.error
    assert first.tracked_at is not None, "it waits behind the others next time"

    courier.bad_tracking = set()
    courier.set_status(first.carrier_reference, "in_transit")
    assert services.pull_tracking() == 1
    first.refresh_from_db()
    assert (first.status, first.error_code, first.error) == ("in_transit", "", "")


@pytest.mark.parametrize(
    ("current", "target", "steps"),
    [
        ("label_created", "returned", ["handed_over", "returned"]),
        ("label_created", "failed", ["handed_over", "in_transit", "failed"]),
        ("handed_over", "failed", ["in_transit", "failed"]),
        ("handed_over", "returned", ["returned"]),
    ],
)
def test_lost_or_returned_before_the_parcel_was_seen_leaving_walks_there(current, target, steps):
    assert _path(current, target) == steps


def test_a_parcel_the_carrier_lost_right_after_booking_fails_and_staff_are_alerted(
    courier, django_capture_on_commit_callbacks
):
    create_staff_member(email="pack@store.test", roles=["fulfilment"])
    order = booked(courier, django_capture_on_commit_callbacks, units=2)
    lost, returned = Shipment.objects.filter(order=order).order_by("pk")
    courier.set_status(lost.carrier_reference, "lost")
    courier.set_status(returned.carrier_reference, "returned")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pull_tracking() == 2
    lost.refresh_from_db()
    returned.refresh_from_db()
    assert (lost.status, lost.error_code) == ("failed", "parcel_lost")
    assert [e.to_status for e in lost.events.order_by("pk")][-3:] == ["handed_over", "in_transit", "failed"]
    assert returned.status == "returned"
    assert [m.to for m in mail.outbox if "failed" in m.subject] == [["pack@store.test"]]
