"""Every merchant-facing URL that takes an object reference gives a member of merchant B a 404 for
merchant A's object, for GET and POST. A new URL without an entry here fails the test."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from branding import services as branding_services
from merchants import services as merchant_services
from orders import services as order_services
from orders.models import Invoice
from payments import services as payment_services
from shipping import services as shipping_services
from tests.branding.helpers import png
from tests.factories import MembershipFactory, UserFactory
from tests.merchants.factories import ApplicationFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db
PORTAL_PREFIXES = ("apply/", "portal/")


def urls_with_arguments() -> list[str]:
    """Names of the merchant-facing URL patterns that capture something."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.pattern.converters:
                route = prefix + str(entry.pattern)
                if route.startswith(PORTAL_PREFIXES) and namespace:
                    found.append(f"{namespace}:{entry.name}")

    walk(get_resolver().url_patterns, "", None)
    return sorted(found)


@pytest.fixture
def merchant_a_objects(django_capture_on_commit_callbacks, settings):
    owner = MembershipFactory()
    buyer = MembershipFactory(merchant=owner.merchant, role="buyer")
    application = ApplicationFactory(applicant=owner.user)
    document = merchant_services.add_document(
        application=application, upload=SimpleUploadedFile("cr.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    )
    product = ProductFactory(sku="ISO-1", unit_price_sar=Decimal("6000"))
    with django_capture_on_commit_callbacks(execute=True):
        order = order_services.place_order(merchant=owner.merchant, placed_by=owner.user, items=[(product, 1)])
    order_services.set_quantity(
        cart=order_services.cart_for(merchant=owner.merchant, user=owner.user), product=product, quantity=1
    )
    invoice = Invoice.objects.get(order=order)
    staff = UserFactory(is_staff=True)
    branding_request = branding_services.file_request(
        merchant=owner.merchant, by=owner.user, data={"logo": True, "brief": "A logo"}, files=[png("ref.png")]
    )
    branding_services.send_quote(request_id=branding_request.pk, by=staff, price=Decimal(500), lead_days=5, rounds=1)
    branding_services.answer_quote(request_id=branding_request.pk, by=owner.user, accept=True)
    branding_services.send_proof(request_id=branding_request.pk, by=staff, upload=png("v1.png"))
    ref = branding_request.reference
    settings.BANK_TRANSFER_IBAN = "SA0380000000608010167519"
    transfer = payment_services.choose_bank_transfer(order=order, by=owner.user)
    proof = payment_services.add_proof(transfer=transfer, upload=png("transfer.png"), by=owner.user)
    white_label = order_services.place_order(
        merchant=owner.merchant, placed_by=owner.user, items=[(product, 2)], delivery_mode="white_label"
    )
    line = white_label.lines.get()
    shipping_services.add_consignees(
        order=white_label,
        by=owner.user,
        consignees=[
            shipping_services.ConsigneeData(
                name="A", phone="+966551234567", address_line1="1 St", city="Riyadh", postal_code="12211",
                country="SA", items={line.pk: 1},
            )
        ],
    )  # fmt: skip
    wl = white_label.reference
    return {
        "branding:detail": [ref],
        "branding:answer_quote": [ref],
        "branding:withdraw": [ref],
        # a version of the member's own kit: tested in tests/branding/test_confidentiality.py
        "branding:kit_restore": None,
        "branding:changes": [ref],
        "branding:approve": [ref],
        "branding:comment": [ref],
        "branding:proof_sheet": [ref, 1],
        "branding:file": None,  # a link signed for one person: tested in tests/branding/test_confidentiality.py
        "merchants:document": [document.pk],
        "merchants:member_role": [buyer.pk],
        "merchants:member_remove": [buyer.pk],
        "merchants:accept_invitation": None,  # a signed token, not an object id: tested in test_members
        "orders:product": None,  # the shared catalogue
        "orders:cart_add": None,
        "orders:product_photo": None,
        "orders:cart_set": [product.pk],
        "orders:order": [order.reference],
        "orders:order_cancel": [order.reference],
        "orders:order_reorder": [order.reference],
        "orders:invoice": [order.reference, invoice.number],
        "pay:order": [order.reference],
        "pay:start": [order.reference, "stripe"],
        "pay:attempt": [order.reference, transfer.attempt.number],
        "pay:attempt_return": [order.reference, transfer.attempt.number],
        "pay:bank_transfer": [order.reference],
        "pay:proof_upload": [order.reference],
        "pay:proof": [order.reference, proof.pk],
        "shipping:consignees": [wl],
        "shipping:consignee_add": [wl],
        "shipping:consignee_upload": [wl],
        "shipping:consignee_notify": [wl],
        "shipping:consignee_remove": [wl, 1],
        "shipping:start": [wl],
        "shipping:order_shipments": [wl],
        "shipping:order_progress": [wl],
        "shipping:api_consignees": [wl],
    }


def test_every_object_url_is_404_for_a_member_of_another_merchant(client, merchant_a_objects):
    names = urls_with_arguments()
    assert set(names) == set(merchant_a_objects), "a merchant URL with an argument needs an isolation entry here"
    client.force_login(MembershipFactory(role="owner").user)
    for name in names:
        args = merchant_a_objects[name]
        if args is None:
            continue
        url = reverse(name, args=args)
        for method in (client.get, client.post):
            status = method(url).status_code
            assert status in {404, 405}, (name, method.__name__, status)
        assert client.post(url).status_code == 404 or client.get(url).status_code == 404, name
