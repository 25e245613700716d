"""Carriers behind one interface: the HTTP adapter against a local fake courier, and the in-house courier."""

from __future__ import annotations

import socket

import pytest

from portal.leak_guard import pdf_text
from shipping.carriers import CarrierRejected, CarrierUnavailable, Parcel, carrier_for
from shipping.carriers.http import HttpCarrier
from shipping.carriers.in_house import InHouseCourier

PARCEL = Parcel(
    reference="SH-TEST0001",
    idempotency_key="7b0c8c1e-3c53-4f54-9d2a-3f1d7b5b2c11",
    sender_name="Atlas Argan Boutique",
    sender_address="4 Quai de Valmy, 75010 Paris",
    recipient_name="Lucie Martin",
    recipient_phone="+33612345678",
    address_lines=("8 rue Oberkampf",),
    city="Paris",
    postal_code="75011",
    country="FR",
    pieces=2,
)


def test_the_http_carrier_books_and_a_repeat_with_the_same_key_returns_the_same_booking(courier):
    carrier = carrier_for("http")
    first = carrier.book(PARCEL)
    again = carrier.book(PARCEL)
    assert first == again
    assert first.tracking_number.startswith("FC") and first.label_pdf.startswith(b"%PDF")
    assert courier.requests[PARCEL.idempotency_key] == 2 and courier.booking_count == 1


def test_the_http_carrier_cancels_and_tracks(courier):
    carrier = carrier_for("http")
    booking = carrier.book(PARCEL)
    assert carrier.track(carrier_reference=booking.carrier_reference, tracking_number="").status == "label_created"
    courier.set_status(booking.carrier_reference, "out_for_delivery")
    assert carrier.track(carrier_reference=booking.carrier_reference, tracking_number="").status == "in_transit"
    courier.set_status(booking.carrier_reference, "delivered")
    assert carrier.track(carrier_reference=booking.carrier_reference, tracking_number="").status == "delivered"
    carrier.cancel(carrier_reference=booking.carrier_reference)
    assert courier.cancelled == [booking.carrier_reference]


def test_server_errors_and_throttling_are_transient(courier):
    courier.fail_next = 1
    with pytest.raises(CarrierUnavailable, match="503"):
        carrier_for("http").book(PARCEL)
    assert carrier_for("http").book(PARCEL).carrier_reference


def test_a_refusal_is_permanent_and_says_why(courier):
    courier.reject_all = True
    with pytest.raises(CarrierRejected, match="postal code not served"):
        carrier_for("http").book(PARCEL)


def test_a_wrong_api_key_is_a_refusal(courier, settings):
    settings.SHIPPING_HTTP_CARRIER_API_KEY = "wrong"
    with pytest.raises(CarrierRejected, match="401"):
        carrier_for("http").book(PARCEL)


def test_an_unreachable_or_silent_courier_is_transient():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(CarrierUnavailable):
        HttpCarrier(base_url=f"http://127.0.0.1:{port}", api_key="k", timeout=1).book(PARCEL)
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        with pytest.raises(CarrierUnavailable):
            HttpCarrier(base_url=f"http://127.0.0.1:{silent.getsockname()[1]}", api_key="k", timeout=0.5).book(PARCEL)


def test_the_http_carrier_is_off_until_its_url_is_set(settings):
    settings.SHIPPING_HTTP_CARRIER_URL = ""
    with pytest.raises(CarrierRejected, match="SHIPPING_HTTP_CARRIER_URL"):
        carrier_for("http")


def test_the_in_house_courier_prints_a_label_in_the_merchants_name_and_leaves_tracking_to_staff():
    booking = InHouseCourier().book(PARCEL)
    assert booking.tracking_number == ""
    text = pdf_text(booking.label_pdf)
    assert "Atlas Argan Boutique" in text and "Lucie Martin" in text and "SH-TEST0001" in text
    assert InHouseCourier().track(carrier_reference="SH-TEST0001", tracking_number="") is None
