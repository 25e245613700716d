"""The leak guard: text read back from the PDF, compared without case, accents, spacing or punctuation."""

from __future__ import annotations

import hashlib

import pytest
from django.core import mail

from portal import leak_guard
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


XMP = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 pdf:Producer="{producer}">
<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def pdf_with_metadata(*, page: str, info: dict[str, str] | None = None, creator: str = "", producer: str = "") -> bytes:
    """A real PDF: `page` as its text, `info` as its document information, and an XMP metadata stream."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf(page))))
    if info:
        writer.add_metadata(info)
    if creator or producer:
        stream = StreamObject()
        stream.set_data(XMP.format(creator=creator, producer=producer).encode())
        stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_text_is_read_back_from_the_pdf_including_its_metadata():
    assert leak_guard.find_leaks_in_pdf(pdf_with_metadata(page="Atlas Argan Boutique")) == []
    in_page = pdf_with_metadata(page="Maison du Maroc")
    assert [leak.kind for leak in leak_guard.find_leaks_in_pdf(in_page)] == ["name"]
    in_info = pdf_with_metadata(page="Atlas Argan Boutique", info={"/Author": "Maison du Maroc Trading Est."})
    assert [leak.kind for leak in leak_guard.find_leaks_in_pdf(in_info)] == ["name"]
    in_xmp = pdf_with_metadata(page="Atlas Argan Boutique", creator="Maison du Maroc")
    assert [leak.kind for leak in leak_guard.find_leaks_in_pdf(in_xmp)] == ["name"]
    in_xmp_attribute = pdf_with_metadata(page="Atlas Argan Boutique", producer="maisondumaroc.example")
    assert "domain" in [leak.kind for leak in leak_guard.find_leaks_in_pdf(in_xmp_attribute)]


@pytest.mark.parametrize(
    "text",
    [
        "Shipped by Маіѕоп du Маrос",  # Cyrillic а і ѕ о п р с
        "MΑISΟN DU MΑRΟC",  # Greek capital alpha and omicron
        "maisοn du marοc",  # Greek small omicron
        "Ѕhірреd bу МАІЅОN DU МАRОС",  # Cyrillic capitals
    ],
)
def test_look_alike_letters_from_other_alphabets_do_not_hide_the_store_name(text):
    assert "name" in [leak.kind for leak in leak_guard.find_leaks(text)]


def test_look_alike_letters_hide_no_domain_or_vat_either():
    assert "domain" in [leak.kind for leak in leak_guard.find_leaks("www.mаisоndumаrос.example")]
    assert leak_guard.normalise("Κing Αbdulaziz Rοad") == "kingabdulazizroad"


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


@pytest.mark.parametrize(
    "disguise",
    [
        "Sourced with love from maison du maгoc",  # Cyrillic г
        "Sourced with love from maıson du maroc",  # dotless ı
        "Sourced with love from Maisօn du Marօc",  # Armenian օ
        "Sourced with love from Ｍａｉｓｏｎ ｄｕ Ｍａｒｏｃ",  # full-width: pypdf reads garbage, poppler the name
    ],
)
def test_a_kit_saved_around_the_form_still_blocks_the_shipment(courier, django_capture_on_commit_callbacks, disguise):
    """Defence in depth: the four disguises that went through onto a shipped slip, in a kit saved by the
    service (which the brand kit page's check does not cover), block the shipment."""
    from orders import services as order_services

    order, owner = white_label_order(units=1)
    brand_kit(owner, slip_message=disguise)
    with_consignees(order, owner, 1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))
    shipment = Shipment.objects.get(order=order)
    assert (shipment.status, shipment.error_code) == ("failed", "leak")
    assert "the store's name" in shipment.error
    assert courier.booking_count == 0


def test_a_kit_logo_that_is_a_re_encoded_copy_of_the_store_logo_blocks_the_shipment(
    courier, django_capture_on_commit_callbacks, settings
):
    """The kit was saved before the store's logo was configured: the slip's check still refuses the copy."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from branding import services as branding_services
    from orders import services as order_services
    from tests.branding.test_kit_leak_guard import encoded, store_logo

    order, owner = white_label_order(units=1)
    copy = SimpleUploadedFile("logo.jpg", encoded(store_logo(), "JPEG", quality=60), content_type="image/jpeg")
    branding_services.upload_brand_kit(
        merchant=owner.merchant,
        by=owner.user,
        logo=copy,
        data={"sender_name": "Atlas Argan Boutique", "return_address": "4 Quai de Valmy, 75010 Paris"},
    )
    original = encoded(store_logo())
    settings.STORE_LOGO_SHA256 = [hashlib.sha256(original).hexdigest()]
    settings.STORE_LOGO_PERCEPTUAL_HASHES = [leak_guard.perceptual_hash(original)]
    with_consignees(order, owner, 1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))
    shipment = Shipment.objects.get(order=order)
    assert (shipment.status, shipment.error_code) == ("failed", "leak")
    assert "logo" in shipment.error
