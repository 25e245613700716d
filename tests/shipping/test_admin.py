"""The fulfilment admin: the queue, full consignee views only for fulfilment (each one logged), moves,
retries, slips and labels, the order's progress and its merged slips."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from pypdf import PdfReader

from audit.models import StaffAccess
from orders import services as order_services
from shipping import services
from shipping.models import Consignee, Shipment
from tests.shipping.helpers import bare_shipment, brand_kit, white_label_order, with_consignees

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(courier, django_capture_on_commit_callbacks):
    order, owner = white_label_order(units=3)
    brand_kit(owner)
    with_consignees(order, owner, 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))
    return order


def test_fulfilment_reads_a_consignee_in_full_and_the_look_is_logged(staff_client, shipped):
    client = staff_client("fulfilment")
    consignee = Consignee.objects.filter(order=shipped).first()
    listing = client.get(reverse("admin:shipping_consignee_changelist")).content.decode()
    assert "A•••• H•••••" in listing and "Haddad" not in listing, "lists stay masked, even for fulfilment"
    page = client.get(reverse("admin:shipping_consignee_change", args=[consignee.pk])).content.decode()
    assert "Amina Haddad" in page and "12 Olaya Street" in page
    access = StaffAccess.objects.get(model="shipping.consignee", object_id=str(consignee.pk), action="view")
    assert (access.staff, access.unmasked) == (client.staff_user, True)


def test_staff_without_the_fulfilment_permission_see_consignees_masked(staff_client, shipped):
    client = staff_client("reviewer")
    consignee = Consignee.objects.filter(order=shipped).first()
    client.staff_user.user_permissions.add(Permission.objects.get(codename="view_consignee"))
    page = client.get(reverse("admin:shipping_consignee_change", args=[consignee.pk])).content.decode()
    assert "Haddad" not in page and "Olaya" not in page and "••••••" in page
    assert StaffAccess.objects.get(model="shipping.consignee", object_id=str(consignee.pk)).unmasked is False


@pytest.mark.parametrize("role", ["reviewer", "designer", "finance", "security"])
def test_other_roles_do_not_reach_shipping(staff_client, shipped, role):
    client = staff_client(role)
    shipment = Shipment.objects.filter(order=shipped).first()
    for url in (
        reverse("admin:shipping_shipment_changelist"),
        reverse("admin:shipping_consignee_changelist"),
        reverse("admin:shipping_shipment_slip", args=[shipment.pk]),
        reverse("admin:shipping_shipment_order_slips", args=[shipped.pk]),
        reverse("admin:shipping_shipment_progress", args=[shipped.pk]),
        reverse("admin:shipping_shipment_move", args=[shipment.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_the_queue_shows_what_to_pick_and_pack_with_slip_and_label(staff_client, shipped):
    client = staff_client("fulfilment")
    page = client.get(reverse("admin:shipping_shipment_changelist") + "?work=pack").content.decode()
    for shipment in Shipment.objects.filter(order=shipped):
        assert shipment.reference in page
        assert reverse("admin:shipping_shipment_slip", args=[shipment.pk]) in page
        assert reverse("admin:shipping_shipment_label", args=[shipment.pk]) in page


def test_a_slip_download_is_an_attachment_and_a_logged_full_view(staff_client, shipped):
    client = staff_client("fulfilment")
    shipment = Shipment.objects.filter(order=shipped).first()
    response = client.get(reverse("admin:shipping_shipment_slip", args=[shipment.pk]))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert StaffAccess.objects.filter(object_id=str(shipment.consignee_id), unmasked=True).exists()


def test_all_slips_of_an_order_come_as_one_pdf_for_the_warehouse(staff_client, shipped):
    client = staff_client("fulfilment")
    response = client.get(reverse("admin:shipping_shipment_order_slips", args=[shipped.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("Atlas Argan Boutique") >= 3 and "Lucie Martin" in text
    looks = StaffAccess.objects.filter(model="shipping.consignee", unmasked=True)  # each consignee printed, logged
    assert sorted(looks.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in Consignee.objects.filter(order=shipped).values_list("pk", flat=True)
    )


def test_the_progress_page_polls_its_json_counts(staff_client, shipped):
    client = staff_client("fulfilment")
    page = client.get(reverse("admin:shipping_shipment_progress", args=[shipped.pk])).content.decode()
    assert "shipping/progress.js" in page and 'data-progress="done">3<' in page
    counts = client.get(reverse("admin:shipping_shipment_progress_json", args=[shipped.pk])).json()
    assert counts["done"] == 3 and counts["pending"] == 0


def test_staff_hand_over_an_in_house_parcel_typing_its_tracking_number(staff_client):
    shipment = bare_shipment(status="label_created")
    client = staff_client("fulfilment")
    url = reverse("admin:shipping_shipment_move", args=[shipment.pk])
    refused = client.post(url, {"to": "handed_over", "tracking_number": "", "note": ""})
    assert "Type the courier" in refused.content.decode()
    client.post(url, {"to": "handed_over", "tracking_number": "RUN-7", "note": "van 2"})
    shipment.refresh_from_db()
    assert (shipment.status, shipment.tracking_number) == ("handed_over", "RUN-7")
    event = shipment.events.get()
    assert (event.by, event.source, event.note) == (client.staff_user, "admin", "van 2")


def test_the_retry_action_asks_why_then_requeues_failed_shipments(
    staff_client, courier, django_capture_on_commit_callbacks
):
    shipment = bare_shipment(status="failed", carrier="http", error_code="carrier_unavailable", error="HTTP 503")
    brand_kit(shipment.order.merchant.memberships.get())
    order_services.mark_paid(order=shipment.order, source="test")
    client = staff_client("fulfilment")
    url = reverse("admin:shipping_shipment_changelist")
    asked = client.post(url, {"action": "retry_selected", "_selected_action": [shipment.pk]})
    assert "Reason" in asked.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "retry_selected", "_selected_action": [shipment.pk], "reason": "carrier is back"})
    shipment.refresh_from_db()
    assert shipment.status == "label_created"
    retry = shipment.events.get(from_status="failed")
    assert (retry.by, retry.note) == (client.staff_user, "carrier is back")
