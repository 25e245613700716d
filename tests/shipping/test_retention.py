"""Consignees are erased a retention time after their parcel settled or their order closed unshipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from audit import registry
from orders import services as order_services
from privacy.services.retention import purge_expired
from shipping import services
from shipping.models import Consignee
from shipping.personal_data import expired_consignees
from tests.factories import StaffFactory
from tests.shipping.helpers import bare_shipment, white_label_order, with_consignees

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def kept(*consignees: Consignee) -> list[bool]:
    return [Consignee.objects.get(pk=c.pk).erased_at is None for c in consignees]


def test_delivered_and_cancelled_order_consignees_are_kept_89_days_and_erased_at_91(settings):
    settings.PRIVACY_CONSIGNEE_RETENTION_DAYS = 90
    with time_machine.travel(T0 - timedelta(days=5), tick=False):
        shipment = bare_shipment(status="in_transit")
        cancelled, owner = white_label_order(units=2)
        cancelled_consignees = with_consignees(cancelled, owner, 2)
        still_open, open_owner = white_label_order(units=1)
        (waiting,) = with_consignees(still_open, open_owner, 1)
    with time_machine.travel(T0, tick=False):
        services.move(shipment_id=shipment.pk, to="delivered", by=StaffFactory(), source="carrier")
        order_services.cancel_order(order=cancelled, by=owner.user, reason="changed my mind")
    delivered = shipment.consignee

    with time_machine.travel(T0 + timedelta(days=89), tick=False):
        assert not expired_consignees().exists()
        purge_expired()
    assert kept(delivered, *cancelled_consignees, waiting) == [True, True, True, True]

    with time_machine.travel(T0 + timedelta(days=91), tick=False):
        assert set(expired_consignees()) == {delivered, *cancelled_consignees}
        purge_expired()
    assert kept(delivered, *cancelled_consignees, waiting) == [False, False, False, True]
    assert Consignee.objects.get(pk=delivered.pk).name == ""


def test_the_retention_follows_the_setting_both_in_the_purge_and_in_the_registry(settings):
    (entry,) = [e for e in registry.entries() if e.model is Consignee]
    assert entry.retention == timedelta(days=settings.PRIVACY_CONSIGNEE_RETENTION_DAYS)
    settings.PRIVACY_CONSIGNEE_RETENTION_DAYS = 10
    with time_machine.travel(T0, tick=False):
        order, owner = white_label_order(units=1)
        (consignee,) = with_consignees(order, owner, 1)
        order_services.cancel_order(order=order, by=owner.user)
    with time_machine.travel(T0 + timedelta(days=11), tick=False):
        assert list(expired_consignees()) == [consignee]
