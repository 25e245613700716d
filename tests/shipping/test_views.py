"""The merchant's consignee pages, progress, shipments and JSON API: access, masking, errors, query counts."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from merchants.models import Membership
from orders import services as order_services
from shipping.models import Consignee, Shipment
from tests.factories import MembershipFactory
from tests.shipping.helpers import bare_shipment, white_label_order, with_consignees

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    order, owner = white_label_order(units=4)
    with_consignees(order, owner, 2)
    return order, owner


PAGES = [
    ("shipping:consignees", "get", None),
    ("shipping:order_shipments", "get", None),
    ("shipping:order_progress", "get", None),
    ("shipping:consignee_add", "post", "buyer"),
    ("shipping:consignee_upload", "post", "buyer"),
    ("shipping:consignee_notify", "post", "buyer"),
    ("shipping:start", "post", "buyer"),
]


@pytest.mark.parametrize(("name", "method", "needs"), PAGES)
def test_each_page_refuses_strangers_hides_other_merchants_orders_and_checks_the_role(
    client, setup, name, method, needs
):
    order, owner = setup
    url = reverse(name, args=[order.reference])
    call = getattr(client, method)
    assert call(url).status_code == 302 and "login" in call(url)["Location"]
    client.force_login(MembershipFactory(role="owner").user)
    assert call(url).status_code == 404
    viewer = MembershipFactory(merchant=order.merchant, role=Membership.Role.VIEWER)
    client.force_login(viewer.user)
    assert call(url).status_code == (403 if needs else 200)
    buyer = MembershipFactory(merchant=order.merchant, role=Membership.Role.BUYER)
    client.force_login(buyer.user)
    assert call(url).status_code in {200, 302, 400}


def test_remove_refuses_strangers_other_merchants_and_viewers(client, setup):
    order, owner = setup
    url = reverse("shipping:consignee_remove", args=[order.reference, 1])
    assert client.post(url).status_code == 302
    client.force_login(MembershipFactory().user)
    assert client.post(url).status_code == 404
    client.force_login(MembershipFactory(merchant=order.merchant, role="viewer").user)
    assert client.post(url).status_code == 403
    client.force_login(owner.user)
    assert client.post(url).status_code == 302
    assert list(Consignee.objects.filter(order=order).values_list("number", flat=True)) == [2]


def test_the_consignee_page_shows_masked_rows_only(client, setup):
    order, owner = setup
    client.force_login(owner.user)
    page = client.get(reverse("shipping:consignees", args=[order.reference])).content.decode()
    assert "A•••• H•••••" in page and "•••••••••••67" in page
    assert "Amina" not in page and "Haddad" not in page and "551234567" not in page and "Olaya" not in page


def test_a_consignee_added_in_the_form_is_checked_per_country(client, setup):
    order, owner = setup
    client.force_login(owner.user)
    line = order.lines.get()
    data = {
        "name": "Oliver Smith", "phone": "+44 7700 900123", "address_line1": "10 Downing Street", "city": "London",
        "postal_code": "12345", "country": "GB", f"qty_{line.pk}": "1",
    }  # fmt: skip
    refused = client.post(reverse("shipping:consignee_add", args=[order.reference]), data)
    assert refused.status_code == 400 and "is not a postal code of" in refused.content.decode()
    data["postal_code"] = "sw1a2aa"
    added = client.post(reverse("shipping:consignee_add", args=[order.reference]), data)
    assert added.status_code == 302
    assert Consignee.objects.get(order=order, number=3).postal_code == "SW1A 2AA"


def test_a_bad_csv_shows_each_bad_line_by_number(client, setup):
    order, owner = setup
    client.force_login(owner.user)
    sku = order.lines.get().sku
    upload = SimpleUploadedFile(
        "c.csv",
        (
            "name,phone,address_line1,city,postal_code,country,items\n"
            f"Lucie Martin,+33612345678,8 rue Oberkampf,Paris,750,FR,{sku}:1\n"
            f"John Carter,+14155550123,500 Market St,San Francisco,94105,US,{sku}:1\n"
        ).encode(),
    )
    response = client.post(reverse("shipping:consignee_upload", args=[order.reference]), {"file": upload})
    assert response.status_code == 400
    assert "Line 2" in response.content.decode() and "Line 3" not in response.content.decode()
    assert Consignee.objects.filter(order=order).count() == 2


def test_the_progress_endpoint_counts_done_failed_and_pending(client, setup):
    order, owner = setup
    first, second = Consignee.objects.filter(order=order)
    for consignee, status in ((first, "label_created"), (second, "failed")):
        Shipment.objects.create(order=order, merchant=order.merchant, consignee=consignee, status=status, carrier="x")
    client.force_login(owner.user)
    counts = client.get(reverse("shipping:order_progress", args=[order.reference])).json()
    assert counts == {"total": 2, "done": 1, "failed": 1, "pending": 0, "cancelled": 0}
    page = client.get(reverse("shipping:order_shipments", args=[order.reference])).content.decode()
    assert 'data-progress-url="/portal/orders/' in page and "shipping/progress.js" in page and "<script>" not in page


def test_a_merchant_starts_shipping_for_consignees_added_after_payment(
    client, setup, django_capture_on_commit_callbacks
):
    order, owner = setup
    order_services.mark_paid(order=order, source="test")
    client.force_login(owner.user)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("shipping:start", args=[order.reference]))
    assert response.status_code == 302
    assert Shipment.objects.filter(order=order, status="pending").count() == 2


def test_the_api_lists_masked_consignees_and_adds_new_ones(client, setup):
    order, owner = setup
    url = reverse("shipping:api_consignees", args=[order.reference])
    assert client.get(url).status_code == 401
    client.force_login(owner.user)
    listed = client.get(url).json()
    assert listed["count"] == 2 and listed["results"][0]["name"] == "A•••• H•••••"
    assert "Amina" not in json.dumps(listed)
    sku = order.lines.get().sku
    bad = client.post(
        url, [{"name": "X", "phone": "1", "address_line1": "a", "city": "b", "country": "FR"}], "application/json"
    )
    assert bad.status_code == 400 and {"phone", "postal_code"} <= set(bad.json()["details"][0]["errors"])
    good = {"name": "Nadia Benali", "phone": "+212612345678", "address_line1": "1 Bd Anfa", "city": "Casablanca",
            "postal_code": "20250", "country": "MA", "items": [{"sku": sku, "quantity": 2}]}  # fmt: skip
    created = client.post(url, good, "application/json")
    assert created.status_code == 201 and created.json() == {"created": [3]}
    too_many = client.post(url, good, "application/json")
    assert too_many.status_code == 409 and too_many.json()["error"] == "quantities_exceeded"


def test_the_api_hides_other_merchants_orders_and_refuses_viewers_writes(client, setup):
    order, owner = setup
    url = reverse("shipping:api_consignees", args=[order.reference])
    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory(merchant=order.merchant, role="viewer").user)
    assert client.get(url).status_code == 200
    assert client.post(url, {}, "application/json").status_code == 403


def test_the_shipments_list_is_scoped_to_the_merchant(client):
    mine = bare_shipment(status="delivered", tracking_number="TRK-MINE")
    theirs = bare_shipment(status="delivered", tracking_number="TRK-THEIRS")
    owner = Membership.objects.get(merchant=mine.merchant)
    client.force_login(owner.user)
    page = client.get(reverse("shipping:shipments")).content.decode()
    assert "TRK-MINE" in page and "TRK-THEIRS" not in page and theirs.reference not in page


def _queries_per_page(client, count: int) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order, owner = white_label_order(units=count)
    for consignee in with_consignees(order, owner, count):
        Shipment.objects.create(order=order, merchant=order.merchant, consignee=consignee, carrier="x")
    client.force_login(owner.user)
    counts = {}
    for name, args in (
        ("shipping:consignees", [order.reference]),
        ("shipping:order_shipments", [order.reference]),
        ("shipping:shipments", []),
        ("shipping:api_consignees", [order.reference]),
    ):
        client.get(reverse(name, args=args))  # warm the session and caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=args)).status_code == 200
        counts[name] = len(queries)
    return counts


def test_list_pages_take_the_same_few_queries_for_2_or_40_rows(client):
    small, large = _queries_per_page(client, 2), _queries_per_page(client, 40)
    assert small == large
    assert max(small.values()) <= 20


def test_the_order_page_leads_to_paying_and_to_the_consignees(client):
    order, owner = white_label_order(units=3)
    client.force_login(owner.user)
    page = reverse("orders:order", args=[order.reference])
    html = client.get(page).content.decode()
    assert f'href="{reverse("pay:order", args=[order.reference])}" class="button">Pay this order<' in html
    assert f'href="{reverse("shipping:consignees", args=[order.reference])}" class="button">Add the consignees<' in html

    with_consignees(order, owner, 3)
    html = client.get(page).content.decode()
    assert "Consignees and shipments (3)" in html

    viewer = MembershipFactory(merchant=owner.merchant, role=Membership.Role.VIEWER)
    client.force_login(viewer.user)
    html = client.get(page).content.decode()
    assert "Pay this order" not in html
    assert f'href="{reverse("pay:order", args=[order.reference])}">Payment<' in html


def test_an_order_to_the_merchants_own_address_has_no_consignee_link(client):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    order, _owner = white_label_order(owner=owner)
    order.delivery_mode = order.Delivery.OWN_ADDRESS
    order.save(update_fields=["delivery_mode"])
    client.force_login(owner.user)
    html = client.get(reverse("orders:order", args=[order.reference])).content.decode()
    assert reverse("shipping:consignees", args=[order.reference]) not in html
    assert "Pay this order" in html


def test_the_form_starts_in_the_merchants_country_and_goes_once_every_unit_is_allocated(client):
    order, owner = white_label_order(
        units=2, owner=MembershipFactory(role=Membership.Role.OWNER, merchant__country="FR")
    )
    client.force_login(owner.user)
    page = reverse("shipping:consignees", args=[order.reference])
    html = client.get(page).content.decode()
    assert '<option value="FR" selected>' in html
    assert reverse("shipping:consignee_add", args=[order.reference]) in html

    with_consignees(order, owner, 2)
    html = client.get(page).content.decode()
    assert "Every unit of this order is allocated" in html
    assert reverse("shipping:consignee_add", args=[order.reference]) not in html
    assert reverse("shipping:consignee_upload", args=[order.reference]) not in html
