"""A white-label order with 1,000 consignees: imported by CSV, one shipment each, a progress bar that moves
as the workers go, and one merged PDF of the slips for the warehouse."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from orders import services as order_services
from shipping import services
from shipping.models import Shipment
from tests.shipping.helpers import brand_kit, white_label_order

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
COUNT = 1000


def test_a_thousand_consignees_get_a_thousand_shipments_and_a_progress_bar_that_moves(
    client, staff_client, courier, django_capture_on_commit_callbacks
):
    order, owner = white_label_order(units=COUNT)
    brand_kit(owner)
    sku = order.lines.get().sku
    rows = "".join(f"Customer {i},+3361234{i:04d},,{i} rue Oberkampf,,Paris,75011,FR,{sku}:1\n" for i in range(COUNT))
    upload = SimpleUploadedFile(
        "big.csv", ("name,phone,email,address_line1,address_line2,city,postal_code,country,items\n" + rows).encode()
    )
    assert len(services.import_consignees_csv(order=order, by=owner.user, upload=upload)) == COUNT
    order = order_services.mark_paid(order=order, source="test")

    with django_capture_on_commit_callbacks(execute=False) as published:  # the workers' queue, held back
        services.start_white_label_shipping(order=order)
    assert Shipment.objects.filter(order=order, status="pending").count() == COUNT
    client.force_login(owner.user)
    progress_url = reverse("shipping:order_progress", args=[order.reference])
    assert client.get(progress_url).json() == {"total": COUNT, "done": 0, "failed": 0, "pending": COUNT, "cancelled": 0}

    first = list(Shipment.objects.filter(order=order).order_by("pk").values_list("pk", flat=True)[:5])
    with django_capture_on_commit_callbacks(execute=True):  # a worker takes the first five jobs
        for pk in first:
            services.prepare_shipment(shipment_id=pk)
    assert len(published) == 1, "one publishing callback for the whole batch"
    assert client.get(progress_url).json()["done"] == 5
    assert client.get(progress_url).json()["pending"] == COUNT - 5

    page = client.get(reverse("shipping:order_shipments", args=[order.reference])).content.decode()
    assert f'max="{COUNT}" value="5"' in page

    staff = staff_client("fulfilment")
    admin_progress = staff.get(reverse("admin:shipping_shipment_progress_json", args=[order.pk])).json()
    assert (admin_progress["done"], admin_progress["pending"]) == (5, COUNT - 5)
    merged = staff.get(reverse("admin:shipping_shipment_order_slips", args=[order.pk]))
    assert len(PdfReader(io.BytesIO(merged.content)).pages) == 5
