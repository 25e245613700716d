"""After staff act (retry, hand-over, a booking left live at the carrier), the merchant and staff hear the truth."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from orders import services as order_services
from portal.staff import create_staff_member
from shipping import services
from shipping.models import Shipment
from shipping.services import start_white_label_shipping
from tests.shipping.helpers import brand_kit, white_label_order, with_consignees
from tests.shipping.test_jobs import eager_retries, paid  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def fulfilment_member(email: str = "lead@store.test"):
    staff = create_staff_member(email=email, roles=["fulfilment"])
    return get_user_model().objects.get(email=staff.email)


def test_the_merchant_is_told_again_once_a_staff_retry_has_booked_the_failed_parcel(
    courier,
    django_capture_on_commit_callbacks,
    settings,
    eager_retries,  # noqa: F811
):
    settings.SHIPPING_MAX_ATTEMPTS = 1
    courier.fail_next = 1
    order, owner = paid(1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    shipment = Shipment.objects.get(order=order)
    assert shipment.status == "failed"
    first = [m for m in mail.outbox if m.to == [owner.user.email] and order.reference in m.subject]
    assert len(first) == 1 and "could not be booked yet" in first[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_shipment(shipment_id=shipment.pk, by=fulfilment_member())
    shipment.refresh_from_db()
    assert shipment.status == "label_created"
    (second,) = [m for m in mail.outbox if m.to == [owner.user.email]]
    assert shipment.tracking_number in second.body and "could not be booked yet" not in second.body


def test_in_house_parcels_send_the_merchant_every_tracking_number_once_the_last_is_handed_over(
    django_capture_on_commit_callbacks, settings
):
    settings.SHIPPING_CARRIER = "in_house"
    order, owner = white_label_order(units=2)
    owner.user.language = "fr"
    owner.user.save(update_fields=["language"])
    brand_kit(owner)
    with_consignees(order, owner, 2)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))
    first, second = Shipment.objects.filter(order=order).order_by("pk")
    assert (first.status, second.status) == ("label_created", "label_created")
    staff = fulfilment_member()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.hand_over(shipment_id=first.pk, by=staff, tracking_number="RUN-0001")
    assert not [m for m in mail.outbox if m.to == [owner.user.email]], "one parcel still has no number"
    with django_capture_on_commit_callbacks(execute=True):
        services.hand_over(shipment_id=second.pk, by=staff, tracking_number="RUN-0002")
    (notice,) = [m for m in mail.outbox if m.to == [owner.user.email]]
    assert "RUN-0001" in notice.body and "RUN-0002" in notice.body
    assert order.reference in notice.subject
    from django.utils import translation

    with translation.override("fr"):
        from django.template.loader import render_to_string

        expected = " ".join(render_to_string("shipping/email/merchant_tracking_subject.txt", {"order": order}).split())
    assert notice.subject == expected


def test_a_leaked_label_the_carrier_would_not_cancel_blocks_retry_until_staff_confirm_it_was_cancelled(
    courier, django_capture_on_commit_callbacks, staff_client
):
    courier.label_extra = "c/o Maison du Maroc Trading"
    courier.fail_cancel = True
    order, owner = white_label_order(units=1)
    brand_kit(owner)
    with_consignees(order, owner, 1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))
    shipment = Shipment.objects.get(order=order)
    assert (shipment.status, shipment.error_code) == ("failed", "booking_live")
    assert shipment.booking_live_at_carrier
    assert "still live at the carrier" in shipment.error and shipment.carrier_reference in shipment.error

    client = staff_client("fulfilment")
    url = reverse("admin:shipping_shipment_changelist")
    selected = {"_selected_action": [shipment.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(url, {"action": "retry_selected", "reason": "try again", **selected}, follow=True)
    assert "still live at the carrier" in refused.content.decode()
    with pytest.raises(services.BookingStillLive):
        services.retry_shipment(shipment_id=shipment.pk, by=client.staff_user)
    shipment.refresh_from_db()
    assert shipment.status == "failed" and courier.booking_count == 1

    courier.label_extra = ""
    client.post(url, {"action": "confirm_cancelled_selected", **selected})
    shipment.refresh_from_db()
    assert not shipment.booking_live_at_carrier
    assert shipment.events.filter(by=client.staff_user, note__contains="cancelled at the carrier").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_shipment(shipment_id=shipment.pk, by=client.staff_user)
    shipment.refresh_from_db()
    assert shipment.status == "label_created"
    assert courier.booking_count == 2, "a new booking, with a new key, once the first was cancelled"
