"""Who may open each page of the orders domain: anonymous people are sent to sign in, people without a
merchant are refused, viewers browse but never order, buyers and owners order, and another merchant's
order, invoice or cart line is a 404."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from orders import services
from tests.factories import MembershipFactory, UserFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db

# name, method, needs an order (its reference, or reference + invoice number), buyers only
VIEWS = [
    ("orders:catalogue", "get", None, False),
    ("orders:product", "get", "sku", False),
    ("orders:product_photo", "get", "photo", False),
    ("orders:cart", "get", None, False),
    ("orders:orders", "get", None, False),
    ("orders:order", "get", "order", False),
    ("orders:invoice", "get", "invoice", False),
    ("orders:cart_add", "post", "sku", True),
    ("orders:cart_set", "post", "line", True),
    ("orders:cart_quick", "post", None, True),
    ("orders:cart_upload", "post", None, True),
    ("orders:checkout", "post", None, True),
    ("orders:order_cancel", "post", "order", True),
    ("orders:order_reorder", "post", "order", True),
]
OBJECT_VIEWS = [view for view in VIEWS if view[2] in {"order", "invoice", "line"}]
DATA = {
    "orders:cart_add": {"quantity": 1},
    "orders:cart_set": {"quantity": 2},
    "orders:cart_quick": {"lines": "ACC-1, 1"},
    "orders:checkout": {"delivery_mode": "own_address"},
}


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """Merchant A with an owner, a buyer and a viewer, an order with its pro-forma, a cart line, a photo."""
    owner = MembershipFactory(role="owner")
    buyer = MembershipFactory(merchant=owner.merchant, role="buyer")
    viewer = MembershipFactory(merchant=owner.merchant, role="viewer")
    product = ProductFactory(sku="ACC-1", unit_price_sar=Decimal("6000"))
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "#2f6d8c").save(buffer, format="PNG")
    photo = services.add_photo(product=product, upload=SimpleUploadedFile("p.png", buffer.getvalue()))
    with django_capture_on_commit_callbacks(execute=True):
        order = services.place_order(merchant=owner.merchant, placed_by=owner.user, items=[(product, 1)])
    for member in (owner, buyer):
        services.set_quantity(
            cart=services.cart_for(merchant=owner.merchant, user=member.user), product=product, quantity=1
        )
    return {
        "owner": owner,
        "buyer": buyer,
        "viewer": viewer,
        "args": {
            "sku": [product.sku],
            "photo": [product.sku, photo.pk],
            "order": [order.reference],
            "invoice": [order.reference, order.invoices.get().number],
            "line": [product.pk],
            None: [],
        },
    }


def call(client, world, name, method, needs):
    url = reverse(name, args=world["args"][needs])
    if name == "orders:cart_upload":
        return client.post(url, {"file": SimpleUploadedFile("c.csv", b"ACC-1,1\n", content_type="text/csv")})
    return getattr(client, method)(url, DATA.get(name, {}))


@pytest.mark.parametrize(("name", "method", "needs", "buyers_only"), VIEWS)
def test_anonymous_people_are_sent_to_sign_in(client, world, name, method, needs, buyers_only):
    response = call(client, world, name, method, needs)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "method", "needs", "buyers_only"), VIEWS)
def test_people_without_a_merchant_are_refused(client, world, name, method, needs, buyers_only):
    client.force_login(UserFactory())
    assert call(client, world, name, method, needs).status_code == 403


@pytest.mark.parametrize(("name", "method", "needs", "buyers_only"), VIEWS)
def test_viewers_browse_but_never_order(client, world, name, method, needs, buyers_only):
    client.force_login(world["viewer"].user)
    assert call(client, world, name, method, needs).status_code == (403 if buyers_only else 200)


@pytest.mark.parametrize("role", ["owner", "buyer"])
@pytest.mark.parametrize(("name", "method", "needs", "buyers_only"), VIEWS)
def test_owners_and_buyers_use_every_page(client, world, role, name, method, needs, buyers_only):
    client.force_login(world[role].user)
    response = call(client, world, name, method, needs)
    assert response.status_code == (302 if method == "post" else 200)
    if method == "post":
        assert not response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "method", "needs", "buyers_only"), OBJECT_VIEWS)
def test_another_merchants_objects_are_404(client, world, name, method, needs, buyers_only):
    client.force_login(MembershipFactory(role="owner").user)
    assert call(client, world, name, method, needs).status_code == 404
