"""The leak guard: text read back from the PDF, compared without case, accents, spacing or punctuation."""

from __future__ import annotations

import pytest
from django.core import mail

from shipping import leak_guard
from shipping.models import Shipment
from shipping.services import start_white_label_shipping
from tests.factories import StaffFactory
from tests.shipping.fake_courier import minimal_pdf
from tests.shipping.helpers import brand_kit, white_label_order, with_consignees

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Shipped by Maison du Maroc", "name"),
        ("MAISON   DU  MAROC", "name"),
        ("Maïson dû Märoc", "name"),
        ("m-a-i-s-o-n du maroc", "name"),
        ("visit maisondumaroc.example today", "domain"),
        ("www.MaisonDuMaroc.example", "domain"),
        ("VAT 310 123 456 700 003", "vat"),
        ("CR: 1010-654-321", "registration"),
        ("King Abdulaziz Road 120", "address"),
    ],
)
def test_store_identity_is_found_whatever_the_case_accents_or_spacing(text, kind):
    assert kind in [leak.kind for leak in leak_guard.find_leaks(text)]


def test_staff_emails_and_aliases_count_as_store_identity(settings):
    settings.STORE_ALIASES = ["Dar Argana Wholesale"]
    StaffFactory(email="fatima.picker@store.test")
    kinds = [leak.kind for leak in leak_guard.find_leaks("Questions? fatima.picker@store.test · DAR ARGANA wholesale")]
    assert kinds == ["alias", "staff_email"]


def test_an_ordinary_white_label_text_passes():
    assert leak_guard.find_leaks("Atlas Argan Boutique, 4 Quai de Valmy, 75010 Paris. Riyadh 12211, Olaya.") == []


def test_text_is_read_back_from_the_pdf_including_its_metadata():
    assert "Maison du Maroc" in leak_guard.pdf_text(minimal_pdf("Maison du Maroc"))
    assert [leak.kind for leak in leak_guard.find_leaks_in_pdf(minimal_pdf("Maison du Maroc"))] == ["name"]


def test_a_brand_kit_smuggling_the_store_name_blocks_the_shipment_with_a_clear_staff_error(
    courier, django_capture_on_commit_callbacks, settings
):
    from orders import services as order_services
    from portal.staff import create_staff_member

    create_staff_member(email="pack@store.test", roles=["fulfilment"])
    order, owner = white_label_order(units=2)
    brand_kit(owner, sender_name="Atlas Argan", slip_message="Sourced with love from MAISON DU MAROC trading")
    with_consignees(order, owner, 2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))

    shipments = list(Shipment.objects.filter(order=order))
    assert [s.status for s in shipments] == ["failed", "failed"]
    assert {s.error_code for s in shipments} == {"leak"}
    assert "the store's name" in shipments[0].error and "brand kit" in shipments[0].error
    assert not any(s.slip for s in shipments), "no blocked slip is kept for printing"
    assert courier.booking_count == 0, "nothing reaches the carrier"
    alerts = [m for m in mail.outbox if m.to == ["pack@store.test"]]
    assert len(alerts) == 1 and order.reference in alerts[0].subject


def test_a_logo_that_is_the_stores_own_is_blocked(courier, django_capture_on_commit_callbacks, settings):
    import hashlib

    from branding.selectors import active_brand_kit, brand_kit_logo
    from orders import services as order_services

    order, owner = white_label_order(units=1)
    kit = brand_kit(owner)
    settings.STORE_LOGO_SHA256 = [
        hashlib.sha256(brand_kit_logo(kit=active_brand_kit(merchant=kit.merchant))[0]).hexdigest()
    ]
    with_consignees(order, owner, 1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))
    shipment = Shipment.objects.get(order=order)
    assert (shipment.status, shipment.error_code) == ("failed", "leak")
    assert "logo" in shipment.error


def test_a_carrier_label_naming_the_store_is_cancelled_and_blocked(courier, django_capture_on_commit_callbacks):
    from orders import services as order_services

    courier.label_extra = "c/o Maison du Maroc Trading"
    order, owner = white_label_order(units=1)
    brand_kit(owner)
    with_consignees(order, owner, 1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))
    shipment = Shipment.objects.get(order=order)
    assert (shipment.status, shipment.error_code) == ("failed", "leak_label")
    assert courier.cancelled == [shipment.carrier_reference]
    assert not shipment.label
