"""Tracking is pulled by a scheduled job; the in-house courier's parcels are moved by staff."""

from __future__ import annotations

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from orders import services as order_services
from orders.models import Order
from shipping import services
from shipping.models import Shipment
from tests.factories import StaffFactory
from tests.reference_data import seed_migration
from tests.shipping.helpers import bare_shipment, brand_kit, white_label_order, with_consignees

pytestmark = pytest.mark.django_db


def booked(courier, django_capture_on_commit_callbacks, units: int = 1) -> Order:
    order, owner = white_label_order(units=units)
    brand_kit(owner)
    with_consignees(order, owner, units)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))
    return order


def test_the_scheduled_pull_walks_each_parcel_to_where_the_courier_says_it_is(
    courier, django_capture_on_commit_callbacks
):
    order = booked(courier, django_capture_on_commit_callbacks, units=2)
    first, second = Shipment.objects.filter(order=order).order_by("pk")
    courier.set_status(first.carrier_reference, "delivered")
    courier.set_status(second.carrier_reference, "picked_up")
    assert services.pull_tracking() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("delivered", "handed_over")
    assert [e.to_status for e in first.events.all()] == [
        "pending", "preparing", "label_created", "handed_over", "in_transit", "delivered",
    ]  # fmt: skip
    assert {e.source for e in first.events.filter(to_status__in=["in_transit", "delivered"])} == {"http"}
    assert first.delivered_at and first.tracked_at
    assert Order.objects.get(pk=order.pk).status == Order.Status.SHIPPED, "every parcel has left the warehouse"
    assert services.pull_tracking() == 0, "nothing new"


def test_a_courier_outage_during_the_pull_is_logged_and_left_for_the_next_run(
    courier, django_capture_on_commit_callbacks
):
    order = booked(courier, django_capture_on_commit_callbacks)
    courier.stop()
    assert services.pull_tracking() == 0
    assert Shipment.objects.get(order=order).status == "label_created"


def test_in_house_parcels_are_handed_over_with_the_tracking_number_staff_type():
    shipment = bare_shipment(status="label_created")
    staff = StaffFactory()
    with pytest.raises(services.TrackingNumberNeeded):
        services.hand_over(shipment_id=shipment.pk, by=staff)
    services.hand_over(shipment_id=shipment.pk, by=staff, tracking_number=" RUN-0042 ")
    shipment.refresh_from_db()
    assert (shipment.status, shipment.tracking_number) == ("handed_over", "RUN-0042")
    assert shipment.events.get().by == staff


def test_a_data_migration_schedules_the_tracking_pull_and_the_stalled_sweep():
    migration = seed_migration("shipping", "0002_schedules")
    PeriodicTask.objects.filter(name__in=migration.EVERY_MINUTES).delete()
    migration.seed(apps, None)
    migration.seed(apps, None)  # idempotent
    assert PeriodicTask.objects.filter(name__in=migration.EVERY_MINUTES).count() == 2
    for name, (task, minutes) in migration.EVERY_MINUTES.items():
        row = PeriodicTask.objects.get(name=name)
        assert (row.task, row.interval.every, row.interval.period, row.enabled) == (task, minutes, "minutes", True)
    from portal.celery import app

    app.loader.import_default_modules()
    assert {"shipping.tasks.pull_tracking", "shipping.tasks.requeue_stalled_shipments"} <= set(app.tasks)
