"""The shipment state machine: one table, walked pair by pair, every move recorded."""

from __future__ import annotations

import itertools

import pytest

from shipping import services
from shipping.models import Shipment
from shipping.services.shipments import _path
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
