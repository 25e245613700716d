"""The shipment state machine: one table, walked pair by pair, every move recorded."""

from __future__ import annotations

import itertools

import pytest
from django.db import IntegrityError, transaction

from portal import state
from shipping import services
from shipping.models import Shipment, ShipmentEvent
from shipping.services.tracking import _path
from tests.factories import StaffFactory
from tests.shipping.helpers import bare_shipment

pytestmark = pytest.mark.django_db
S = Shipment.Status
ALLOWED = {
    ("pending", "preparing"), ("pending", "failed"), ("pending", "cancelled"),
    ("preparing", "label_created"), ("preparing", "failed"), ("preparing", "cancelled"),
    ("label_created", "handed_over"), ("label_created", "cancelled"),
    ("handed_over", "in_transit"), ("handed_over", "delivered"), ("handed_over", "returned"),
    ("in_transit", "delivered"), ("in_transit", "returned"), ("in_transit", "failed"),
    ("delivered", "returned"),
    ("failed", "pending"), ("failed", "cancelled"),
}  # fmt: skip


def test_the_table_names_every_status_and_allows_exactly_the_documented_moves():
    assert set(services.TRANSITIONS) == set(S.values)
    table = {(a, b) for a, targets in services.TRANSITIONS.items() for b in targets}
    assert table == ALLOWED


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S.values, S.values)))
def test_every_pair_of_statuses_moves_only_if_the_table_allows_it(current, target):
    shipment = bare_shipment(status=current)
    staff = StaffFactory()
    if (current, target) in ALLOWED:
        services.move(shipment_id=shipment.pk, to=target, by=staff, source="admin", note="why")
        shipment.refresh_from_db()
        assert shipment.status == target
        event = shipment.events.get()
        assert (event.from_status, event.to_status, event.by, event.source, event.note) == (
            current,
            target,
            staff,
            "admin",
            "why",
        )
    else:
        with pytest.raises(services.IllegalTransition):
            services.move(shipment_id=shipment.pk, to=target, by=staff, source="admin")
        shipment.refresh_from_db()
        assert shipment.status == current
        assert not shipment.events.exists()


def test_the_machine_is_the_one_table_and_refuses_with_the_shared_error():
    assert services.SHIPMENT.table == services.TRANSITIONS
    assert issubclass(services.IllegalTransition, state.IllegalTransition)
    shipment = bare_shipment(status="returned")
    with pytest.raises(state.IllegalTransition) as refused:
        services.SHIPMENT.move(shipment.pk, to="pending")
    assert refused.value.code == "illegal_transition"
    assert str(refused.value) == "A shipment cannot move from “Returned” to “Pending”."


def test_the_database_refuses_a_status_it_does_not_know():
    shipment = bare_shipment(status="pending")
    services.move(shipment_id=shipment.pk, to="preparing", source="worker")
    with pytest.raises(IntegrityError), transaction.atomic():
        Shipment.objects.filter(pk=shipment.pk).update(status="lost")
    for field in ("from_status", "to_status"):
        with pytest.raises(IntegrityError), transaction.atomic():
            ShipmentEvent.objects.filter(shipment=shipment).update(**{field: "lost"})


def test_delivery_records_when_it_happened():
    shipment = bare_shipment(status="in_transit")
    services.move(shipment_id=shipment.pk, to="delivered", source="carrier")
    shipment.refresh_from_db()
    assert shipment.delivered_at is not None


@pytest.mark.parametrize(
    ("current", "target", "steps"),
    [
        ("label_created", "delivered", ["handed_over", "in_transit", "delivered"]),
        ("label_created", "in_transit", ["handed_over", "in_transit"]),
        ("handed_over", "returned", ["returned"]),
        ("in_transit", "in_transit", []),
        ("in_transit", "label_created", []),  # a carrier going backwards is ignored
    ],
)
def test_a_tracking_update_that_skips_steps_walks_through_each_of_them(current, target, steps):
    assert _path(current, target) == steps
