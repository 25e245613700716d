"""Finance keeps rates and minimums as history in the admin; every order shows its decision."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from orders import services
from orders.models import ExchangeRate, MinimumOrderPolicy, Order, Product
from tests.factories import MembershipFactory
from tests.orders.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_finance_adds_a_rate_but_cannot_rewrite_history(staff_client):
    client = staff_client("finance")
    response = client.post(
        reverse("admin:orders_exchangerate_add"),
        {
            "currency": "EUR",
            "rate_to_sar": "4.0512",
            "source": "finance",
            "effective_at_0": "2026-11-25",
            "effective_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    rate = ExchangeRate.objects.get(currency="EUR")
    assert rate.entered_by == client.staff_user
    change = client.post(reverse("admin:orders_exchangerate_change", args=[rate.pk]), {"rate_to_sar": "9"})
    assert change.status_code == 403
    assert client.post(reverse("admin:orders_exchangerate_delete", args=[rate.pk]), {"post": "yes"}).status_code == 403


def test_the_order_page_shows_the_minimum_decision_and_rate(staff_client):
    member = MembershipFactory(merchant__currency="USD", merchant__country="US")
    order = services.place_order(
        merchant=member.merchant, placed_by=member.user, items=[(ProductFactory(unit_price_sar=Decimal("6000")), 1)]
    )
    page = staff_client("finance").get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    for shown in ("1600.00", "3.75", "peg", "First order", "5000.00", "1333.33"):
        assert shown in page


def test_designers_see_no_orders(staff_client):
    assert staff_client("designer").get(reverse("admin:orders_order_changelist")).status_code == 403


def test_finance_changes_a_status_with_a_reason_and_paying_issues_the_tax_invoice(
    staff_client, django_capture_on_commit_callbacks
):
    member = MembershipFactory()
    order = services.place_order(
        merchant=member.merchant, placed_by=member.user, items=[(ProductFactory(unit_price_sar=Decimal("6000")), 1)]
    )
    client = staff_client("finance")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:orders_order_status", args=[order.pk]),
            {"status": "paid", "reason": "Transfer received on 24 Nov"},
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "paid"
    event = order.events.get(status="paid")
    assert (event.by, event.note) == (client.staff_user, "Transfer received on 24 Nov")
    assert order.invoices.filter(kind="tax").exists()
    refused = client.post(reverse("admin:orders_order_status", args=[order.pk]), {"status": "cancelled", "reason": "x"})
    assert refused.status_code == 200  # not a move the table allows from paid
    order.refresh_from_db()
    assert order.status == "paid"


def test_fulfilment_raises_an_exempt_replacement_that_does_not_count(staff_client):
    member = MembershipFactory()
    product = ProductFactory(sku="ARG-1", unit_price_sar=Decimal("6000"))
    order = services.move(
        order=services.place_order(merchant=member.merchant, placed_by=member.user, items=[(product, 1)]),
        to="paid",
    )
    client = staff_client("fulfilment")
    response = client.post(
        reverse("admin:orders_order_replacement", args=[order.pk]), {"lines": "ARG-1, 1", "reason": "Broken in transit"}
    )
    assert response.status_code == 302
    replacement = Order.objects.get(replaces=order)
    assert (replacement.is_replacement, replacement.minimum_kind, replacement.status) == (True, "exempt", "paid")
    assert "Broken in transit" in replacement.events.get(status="paid").note
    assert (
        staff_client("designer", email="d@store.test")
        .post(reverse("admin:orders_order_replacement", args=[order.pk]), {"lines": "ARG-1, 1", "reason": "x"})
        .status_code
        == 403
    )


def test_finance_updates_prices_from_a_csv_and_sees_each_bad_line(staff_client):
    ProductFactory(sku="ARG-1", unit_price_sar=Decimal("100"))
    ProductFactory(sku="SOAP-1", unit_price_sar=Decimal("50"))
    csv = "sku,price\nARG-1,120.50\nNOPE,10\nSOAP-1,-3\nSOAP-1,55.555\n"
    response = staff_client("finance").post(
        reverse("admin:orders_product_prices"),
        {"file": SimpleUploadedFile("prices.csv", csv.encode(), content_type="text/csv")},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "1 price(s) updated." in shown
    assert any(m.startswith("Line 3:") for m in shown)
    assert any(m.startswith("Line 4:") for m in shown)
    assert any(m.startswith("Line 5:") for m in shown)
    assert Product.objects.get(sku="ARG-1").unit_price_sar == Decimal("120.50")
    assert Product.objects.get(sku="SOAP-1").unit_price_sar == Decimal("50")


def test_product_photos_are_checked_by_content_and_shown_to_members_only(client, staff_client):
    product = ProductFactory(sku="ARG-1")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#9a3b1f").save(buffer, format="PNG")
    photo = services.add_photo(product=product, upload=SimpleUploadedFile("a.png", buffer.getvalue()))
    with pytest.raises(ValidationError):
        services.add_photo(product=product, upload=SimpleUploadedFile("b.png", b"<html>not an image</html>"))
    url = reverse("orders:product_photo", args=["ARG-1", photo.pk])
    assert client.get(url).status_code == 302  # signed out: to the login page
    client.force_login(MembershipFactory().user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f'src="{url}"' in client.get(reverse("orders:product", args=["ARG-1"])).content.decode()


def test_the_order_list_shows_each_decision_and_rate_and_filters_by_status(staff_client):
    member = MembershipFactory(merchant__currency="USD", merchant__country="US")
    product = ProductFactory(unit_price_sar=Decimal("6000"))
    first = services.place_order(merchant=member.merchant, placed_by=member.user, items=[(product, 1)])
    second = services.place_order(merchant=member.merchant, placed_by=member.user, items=[(product, 1)])
    services.cancel_order(order=second, reason="duplicate")
    client = staff_client("fulfilment")
    page = client.get(reverse("admin:orders_order_changelist")).content.decode()
    for shown in (first.reference, second.reference, "6000.00", "5000.00", "3.75", "peg", "First order"):
        assert shown in page
    cancelled = client.get(reverse("admin:orders_order_changelist"), {"status__exact": "cancelled"}).content.decode()
    assert second.reference in cancelled
    assert first.reference not in cancelled


def test_a_price_csv_from_a_french_spreadsheet_with_decimal_commas_is_read(staff_client):
    ProductFactory(sku="ARG-1", unit_price_sar=Decimal("100"))
    ProductFactory(sku="SOAP-1", unit_price_sar=Decimal("50"))
    csv = "sku;prix\nARG-1;120,50\nSOAP-1;Infinity\n"
    response = staff_client("finance").post(
        reverse("admin:orders_product_prices"),
        {"file": SimpleUploadedFile("prix.csv", csv.encode(), content_type="text/csv")},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "1 price(s) updated." in shown
    assert any(m.startswith("Line 3:") and "Infinity" in m for m in shown)
    assert Product.objects.get(sku="ARG-1").unit_price_sar == Decimal("120.50")
    assert Product.objects.get(sku="SOAP-1").unit_price_sar == Decimal("50")


def test_staff_who_see_orders_download_their_invoices_from_the_order_page(
    staff_client, django_capture_on_commit_callbacks
):
    member = MembershipFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.place_order(
            merchant=member.merchant, placed_by=member.user, items=[(ProductFactory(unit_price_sar=Decimal("6000")), 1)]
        )
    invoice = order.invoices.get()
    client = staff_client("fulfilment")
    url = reverse("admin:orders_order_invoice", args=[order.pk, invoice.number])
    assert url in client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert staff_client("designer", email="d@store.test").get(url).status_code == 403


@pytest.mark.parametrize(
    ("currency", "rate", "error"),
    [
        ("eur", "4.05", "three capital letters"),
        ("SAR", "1.1", "cannot be changed"),
        ("USD", "3.80", "cannot be changed"),
        ("EUR", "0", "rate_to_sar"),
    ],
)
def test_finance_cannot_enter_a_malformed_rate_or_touch_the_base_and_the_peg(staff_client, currency, rate, error):
    response = staff_client("finance").post(
        reverse("admin:orders_exchangerate_add"),
        {
            "currency": currency,
            "rate_to_sar": rate,
            "source": "peg",
            "effective_at_0": "2026-11-25",
            "effective_at_1": "09:00:00",
        },
    )
    assert response.status_code == 200
    assert error in str(response.context["adminform"].form.errors)
    assert not ExchangeRate.objects.exclude(source__in=["base", "peg"]).exists()
    assert ExchangeRate.objects.filter(currency__in=["SAR", "USD"]).count() == 2


def test_a_rate_named_like_the_peg_still_ages(settings):
    settings.EXCHANGE_RATE_MAX_AGE_HOURS = 48
    ExchangeRate.objects.create(
        currency="EUR", rate_to_sar=Decimal("4.05"), source="peg", effective_at=timezone.now() - timedelta(days=3)
    )
    with pytest.raises(services.StaleRate):
        services.rate_in_force(currency="EUR")


def test_finance_cannot_set_a_repeat_minimum_above_the_first_order_minimum(staff_client):
    response = staff_client("finance").post(
        reverse("admin:orders_minimumorderpolicy_add"),
        {
            "first_order_minimum": "5000",
            "repeat_order_minimum": "6000",
            "base_currency": "SAR",
            "effective_from_0": "2026-12-01",
            "effective_from_1": "00:00:00",
        },
    )
    assert response.status_code == 200
    assert "between zero and the first-order minimum" in response.content.decode()
    assert MinimumOrderPolicy.objects.count() == 1
