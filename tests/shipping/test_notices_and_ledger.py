"""Consignee notices (no trace of our host, a withheld one reported) and the privacy ledger of notices and bookings."""

from __future__ import annotations

import pytest
from django.core import mail

from audit.models import Disclosure
from portal.staff import create_staff_member
from shipping.models import Shipment
from shipping.services import start_white_label_shipping
from tests.shipping.test_jobs import paid

pytestmark = pytest.mark.django_db


def test_the_message_id_names_the_notice_senders_domain_not_our_host(
    courier, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail.utils import DNS_NAME

    monkeypatch.setattr(DNS_NAME, "_fqdn", "app-01.internal.maisondumaroc.example", raising=False)
    order, owner = paid(1, notify=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    (notice,) = [m for m in mail.outbox if m.to == ["amina@example.test"]]
    message_id = notice.message()["Message-ID"]
    assert message_id.endswith("@parcel-notices.example>")
    assert "maisondumaroc" not in notice.message().as_string().lower()
    assert Shipment.objects.get(order=order).error_code == ""


def test_a_notice_withheld_by_the_leak_guard_is_recorded_on_the_shipment_and_staff_are_alerted(
    courier, django_capture_on_commit_callbacks, settings
):
    settings.SHIPPING_NOTICE_FROM_EMAIL = "parcels@maisondumaroc.example"
    create_staff_member(email="pack@store.test", roles=["fulfilment"])
    order, owner = paid(1, notify=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    shipment = Shipment.objects.get(order=order)
    assert shipment.status == "label_created", "the parcel still goes"
    assert shipment.error_code == "leak_notice" and "web domain" in shipment.error
    assert not [m for m in mail.outbox if m.to == ["amina@example.test"]]
    (alert,) = [m for m in mail.outbox if m.to == ["pack@store.test"]]
    assert shipment.reference in alert.body and "was not sent" in alert.body
    assert [m.to for m in mail.outbox if m.to == [owner.user.email]], "the merchant's notice still goes"


def test_a_notice_sent_through_an_outside_email_service_is_in_the_disclosure_ledger(
    courier, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_SERVICE_NAME = "Amazon SES"
    order, owner = paid(2, notify=True)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    ledger = Disclosure.objects.filter(recipient=Disclosure.Recipient.EMAIL_SERVICE, order=order)
    consignee_rows = [d for d in ledger if "consignee" in d.purpose]
    assert len(consignee_rows) == 2, "one per consignee email sent"
    for row in consignee_rows:
        assert (row.recipient_name, row.merchant, row.categories) == ("Amazon SES", order.merchant, ["name", "email"])


def test_no_email_service_means_no_email_disclosure(courier, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_SERVICE_NAME = ""
    order, owner = paid(1, notify=True)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    assert not Disclosure.objects.filter(recipient=Disclosure.Recipient.EMAIL_SERVICE, order=order).exists()


def test_each_booking_with_an_outside_carrier_is_in_the_disclosure_ledger(courier, django_capture_on_commit_callbacks):
    order, owner = paid(2)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    rows = list(Disclosure.objects.filter(recipient=Disclosure.Recipient.CARRIER, order=order))
    assert len(rows) == 2 == courier.booking_count
    for row in rows:
        assert (row.recipient_name, row.merchant, row.purpose) == (
            "Courier API",
            order.merchant,
            "Delivery of a white-label parcel",
        )
        assert row.categories == ["name", "phone", "address"]


def test_the_in_house_courier_discloses_nothing(django_capture_on_commit_callbacks, settings):
    settings.SHIPPING_CARRIER = "in_house"
    order, owner = paid(1)
    with django_capture_on_commit_callbacks(execute=True):
        start_white_label_shipping(order=order)
    assert Shipment.objects.get(order=order).status == "label_created"
    assert not Disclosure.objects.filter(recipient=Disclosure.Recipient.CARRIER).exists()
