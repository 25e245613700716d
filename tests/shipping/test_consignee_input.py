"""Bad consignee input is answered with the reason: API items of the wrong shape, CSV lines by their number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shipping import services
from shipping.models import Consignee
from tests.shipping.helpers import white_label_order
from tests.shipping.test_consignees import csv_file

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Nadia Benali",
    "phone": "+212612345678",
    "address_line1": "1 Bd Anfa",
    "city": "Casablanca",
    "postal_code": "20250",
    "country": "MA",
}


@pytest.mark.parametrize("items", [[1], {"abc": 1}, {"1": "two"}, {"1": [1]}, [{"sku": 3}], {"1": True}, []])
def test_the_api_answers_items_of_the_wrong_shape_with_a_400_and_the_reason(client, items):
    order, owner = white_label_order(units=2)
    client.force_login(owner.user)
    url = reverse("shipping:api_consignees", args=[order.reference])
    response = client.post(url, {**GOOD, "items": items}, "application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_consignees"
    assert "items" in body["details"][0]["errors"]
    assert not Consignee.objects.filter(order=order).exists()


def test_the_api_still_takes_items_by_line_id_or_by_sku(client):
    order, owner = white_label_order(units=3)
    line = order.lines.get()
    client.force_login(owner.user)
    url = reverse("shipping:api_consignees", args=[order.reference])
    by_id = client.post(url, {**GOOD, "items": {str(line.pk): 1}}, "application/json")
    by_sku = client.post(url, {**GOOD, "items": [{"sku": line.sku, "quantity": 2}]}, "application/json")
    assert (by_id.status_code, by_sku.status_code) == (201, 201)
    assert services.remaining_quantities(order) == {line.pk: 0}


def test_csv_lines_are_numbered_as_in_the_file_even_after_blank_lines():
    order, owner = white_label_order(units=10)
    sku = order.lines.get().sku
    upload = csv_file(
        "\n"  # line 2: blank, skipped by the reader
        f"Amina Haddad,+966551234567,,12 Olaya Street,,Riyadh,12211,SA,{sku}:1\n"  # line 3: fine
        "\n"  # line 4: blank
        f"Lucie Martin,+33612345678,,8 rue Oberkampf,,Paris,7501,FR,{sku}:1\n"  # line 5: postal code
    )
    with pytest.raises(services.CsvRejected) as caught:
        services.import_consignees_csv(order=order, by=owner.user, upload=upload)
    assert [number for number, _message in caught.value.errors] == [5]


def test_csv_lines_that_give_out_more_than_the_order_holds_are_named():
    order, owner = white_label_order(units=4)
    sku = order.lines.get().sku
    upload = csv_file(
        f"Amina Haddad,+966551234567,,12 Olaya Street,,Riyadh,12211,SA,{sku}:2\n"  # line 2: 2 of 4
        f"Lucie Martin,+33612345678,,8 rue Oberkampf,,Paris,75011,FR,{sku}:2\n"  # line 3: 4 of 4
        f"John Carter,+14155550123,,500 Market St,,San Francisco,94105,US,{sku}:1\n"  # line 4: 5 of 4
        f"Oliver Smith,12,,10 Downing Street,,London,SW1A 2AA,GB,{sku}:1\n"  # line 5: phone, and 6 of 4
    )
    with pytest.raises(services.CsvRejected) as caught:
        services.import_consignees_csv(order=order, by=owner.user, upload=upload)
    errors = dict(caught.value.errors)
    assert sorted(errors) == [4, 5]
    assert sku in errors[4] and "(5)" in errors[4] and "4 left" in errors[4]
    assert "phone" in errors[5]
    assert not Consignee.objects.filter(order=order).exists()
