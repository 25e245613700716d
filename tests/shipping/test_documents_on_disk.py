"""A retried shipment leaves no old slip or label behind, so erasing its consignee leaves nothing on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.staff import create_staff_member
from shipping import services
from shipping.models import Shipment
from shipping.personal_data import erase_consignee
from tests.shipping.test_tracking import booked

pytestmark = pytest.mark.django_db


def stored_files(settings) -> set[str]:
    """The slips and labels in private storage."""
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)) for path in (root / "shipping").rglob("*") if path.is_file()}


def test_after_a_retry_and_erasure_no_file_of_the_shipment_remains(
    courier, django_capture_on_commit_callbacks, settings
):
    order = booked(courier, django_capture_on_commit_callbacks)
    shipment = Shipment.objects.get(order=order)
    first = {shipment.slip.name, shipment.label.name}
    assert first <= stored_files(settings)
    courier.set_status(shipment.carrier_reference, "lost")
    with django_capture_on_commit_callbacks(execute=True):
        services.pull_tracking()
    staff = create_staff_member(email="lead@store.test", roles=["fulfilment"])
    from django.contrib.auth import get_user_model

    with django_capture_on_commit_callbacks(execute=True):
        services.retry_shipment(shipment_id=shipment.pk, by=get_user_model().objects.get(email=staff.email))
    shipment.refresh_from_db()
    assert shipment.status == "label_created"
    second = {shipment.slip.name, shipment.label.name}
    assert not first & second
    assert stored_files(settings) == second, "the first slip and label were deleted"

    erase_consignee(shipment.consignee)
    assert stored_files(settings) == set()


def test_a_new_slip_replaces_the_old_one_on_disk(courier, django_capture_on_commit_callbacks, settings):
    courier.reject_all = True
    order = booked(courier, django_capture_on_commit_callbacks)
    shipment = Shipment.objects.get(order=order)
    assert shipment.status == "failed" and shipment.slip
    old_slip = shipment.slip.name
    courier.reject_all = False
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_shipment(shipment_id=shipment.pk, by=order.placed_by)
    shipment.refresh_from_db()
    assert shipment.slip.name != old_slip
    assert old_slip not in stored_files(settings)
    assert stored_files(settings) == {shipment.slip.name, shipment.label.name}
