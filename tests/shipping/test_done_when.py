"""The issue's first 'done when': the demo's white-label order with three consignees, once paid, ends with
three shipments, three branded slips (read back from the PDFs), three tracking numbers and a notice to the
merchant."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command

from orders.models import Order
from portal import leak_guard
from shipping import demo
from shipping.models import Shipment

pytestmark = pytest.mark.django_db


def pay(order: Order) -> Order:
    """Pay as a Saudi merchant does: a bank transfer, reconciled by finance in full (payments' own services)."""
    from payments.services.transfers import choose_bank_transfer, reconcile_transfer
    from tests.factories import StaffFactory

    transfer = choose_bank_transfer(order=order, by=order.placed_by)
    reconcile_transfer(
        transfer=transfer,
        outcome="full",
        by=StaffFactory(),
        note="received on the store's account",
        bank_reference="FT-2026-0001",
    )
    return Order.objects.get(pk=order.pk)


def test_a_paid_order_with_three_consignees_ends_with_three_branded_booked_shipments_and_a_notice(
    courier, django_capture_on_commit_callbacks, settings
):
    settings.BANK_TRANSFER_IBAN = "SA0380000000608010167519"
    call_command("seed_demo", stdout=io.StringIO())
    order = Order.objects.get(merchant__code=demo.MERCHANT_CODE, delivery_mode=Order.Delivery.WHITE_LABEL)
    assert order.consignees.count() == 3
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        pay(order)

    shipments = list(Shipment.objects.filter(order=order).order_by("consignee__number"))
    assert [s.status for s in shipments] == [Shipment.Status.LABEL_CREATED] * 3
    assert len({s.tracking_number for s in shipments}) == 3 and all(s.tracking_number for s in shipments)
    assert courier.booking_count == 3
    for shipment in shipments:
        with shipment.slip.open("rb") as handle:
            text = leak_guard.pdf_text(handle.read())
        assert demo.BRAND_KIT["sender_name"] in text
        assert demo.BRAND_KIT["slip_message"] in text
        assert shipment.consignee.name in text
        for identity in (settings.STORE_NAME, settings.STORE_DOMAIN, settings.STORE_VAT_NUMBER, "Maison du Maroc"):
            assert leak_guard.normalise(identity) not in leak_guard.normalise(text)
        assert leak_guard.find_leaks(text) == []
        assert [e.to_status for e in shipment.events.all()] == ["pending", "preparing", "label_created"]
    notices = [
        m
        for m in mail.outbox
        if m.to == [order.placed_by.email] and all(s.tracking_number in m.body for s in shipments)
    ]
    assert len(notices) == 1
    assert order.reference in notices[0].subject
    assert any("\u0600" <= char <= "\u06ff" for char in notices[0].subject), "in the demo merchant's Arabic"
    assert Order.objects.get(pk=order.pk).status == Order.Status.IN_FULFILMENT
