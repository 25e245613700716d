"""Consignees: checked per country, encrypted at rest with a keyed hash beside, imported by CSV with every
bad line reported by its number, and never more units than the order holds."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from orders.models import Order
from shipping import masking, services
from shipping.addresses import clean_phone, clean_postal_code
from shipping.models import Consignee
from tests.shipping.helpers import white_label_order, with_consignees

pytestmark = pytest.mark.django_db
HEADER = "name,phone,email,address_line1,address_line2,city,postal_code,country,items\n"


def csv_file(body: str, header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile("consignees.csv", (header + body).encode(), content_type="text/csv")


@pytest.mark.parametrize(
    ("country", "value", "expected"),
    [
        ("SA", "12211", "12211"),
        ("SA", "12211-1234", "12211-1234"),
        ("FR", "75011", "75011"),
        ("US", "94105-1234", "94105-1234"),
        ("GB", "sw1a2aa", "SW1A 2AA"),
        ("GB", "EC1A 1BB", "EC1A 1BB"),
        ("AE", "anything", ""),  # no postal codes in the Emirates
    ],
)
def test_postal_codes_are_accepted_in_their_country_format(country, value, expected):
    assert clean_postal_code(country, value) == expected


@pytest.mark.parametrize(
    ("country", "value"), [("SA", "1221"), ("FR", "7501"), ("FR", "75O11"), ("US", "9410"), ("GB", "12345"), ("FR", "")]
)
def test_postal_codes_outside_their_country_format_are_refused_with_an_example(country, value):
    with pytest.raises(ValidationError) as caught:
        clean_postal_code(country, value)
    assert "e.g." in str(caught.value)


def test_phones_keep_plus_and_digits_only():
    assert clean_phone("+966 55-123 (4567)") == "+966551234567"
    assert clean_phone("0033 6 12 34 56 78") == "+33612345678"
    with pytest.raises(ValidationError):
        clean_phone("call me")


def test_consignee_data_is_encrypted_at_rest_with_a_keyed_hash_for_lookups():
    order, owner = white_label_order(units=1)
    (consignee,) = with_consignees(order, owner, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, phone, address_line1, city, phone_hmac FROM shipping_consignee WHERE id = %s", [consignee.pk]
        )
        name, phone, street, city, phone_hmac = cursor.fetchone()
    assert "Amina" not in name and "551234567" not in phone and "Olaya" not in street and "Riyadh" not in city
    assert Consignee.objects.get(pk=consignee.pk).name == "Amina Haddad"
    assert phone_hmac == services.phone_hmac("+966551234567") != services.phone_hmac("+966551234568")
    assert Consignee.objects.filter(phone_hmac=services.phone_hmac("+966551234567")).get() == consignee


def test_a_csv_is_imported_whole_with_items_by_sku():
    order, owner = white_label_order(units=5)
    sku = order.lines.get().sku
    upload = csv_file(
        f"Amina Haddad,+966551234567,amina@example.test,12 Olaya Street,,Riyadh,12211,SA,{sku}:2\n"
        f"Lucie Martin,+33 6 12 34 56 78,,8 rue Oberkampf,Bât. B,Paris,75011,fr,{sku}:3\n"
    )
    added = services.import_consignees_csv(order=order, by=owner.user, upload=upload)
    assert [(c.number, c.country, c.phone) for c in added] == [(1, "SA", "+966551234567"), (2, "FR", "+33612345678")]
    assert services.remaining_quantities(order) == {order.lines.get().pk: 0}


def test_every_bad_csv_line_is_reported_by_its_number_and_nothing_is_imported():
    order, owner = white_label_order(units=10)
    sku = order.lines.get().sku
    upload = csv_file(
        f"Amina Haddad,+966551234567,,12 Olaya Street,,Riyadh,12211,SA,{sku}:1\n"  # line 2: fine
        f"Lucie Martin,+33612345678,,8 rue Oberkampf,,Paris,7501,FR,{sku}:1\n"  # line 3: postal code
        f",+14155550123,,500 Market St,,San Francisco,94105,US,{sku}:1\n"  # line 4: no name
        f"Oliver Smith,12,,10 Downing Street,,London,SW1A 2AA,GB,{sku}:1\n"  # line 5: phone
        f"Nadia Benali,+212612345678,,1 Bd Anfa,,Casablanca,20250,XX,{sku}:1\n"  # line 6: country
        f"Sara Lopez,+34612345678,not-an-email,Calle Mayor 1,,Madrid,28013,ES,NOPE:1\n"  # line 7: email, SKU
    )
    with pytest.raises(services.CsvRejected) as caught:
        services.import_consignees_csv(order=order, by=owner.user, upload=upload)
    errors = dict(caught.value.errors)
    assert sorted(errors) == [3, 4, 5, 6, 7]
    assert "postal_code" in errors[3] and "name" in errors[4] and "phone" in errors[5] and "country" in errors[6]
    assert "email" in errors[7] and "NOPE" in errors[7]
    assert not Consignee.objects.filter(order=order).exists()


def test_a_csv_with_missing_columns_or_not_utf8_is_refused_with_the_reason():
    order, owner = white_label_order(units=1)
    with pytest.raises(services.CsvRejected) as caught:
        services.import_consignees_csv(order=order, by=owner.user, upload=csv_file("x,y\n", header="name,phone\n"))
    assert "address_line1" in caught.value.errors[0][1]
    latin1 = SimpleUploadedFile("c.csv", (HEADER + "Zoé,+33612345678,,1 rue,,Paris,75001,FR,\n").encode("latin-1"))
    with pytest.raises(services.CsvRejected) as caught:
        services.import_consignees_csv(order=order, by=owner.user, upload=latin1)
    assert "UTF-8" in caught.value.errors[0][1]


def test_semicolon_separated_files_are_read_too():
    order, owner = white_label_order(units=1)
    body = "Amina Haddad;+966551234567;;12 Olaya Street;;Riyadh;12211;SA;\n"
    added = services.import_consignees_csv(order=order, by=owner.user, upload=csv_file(body, HEADER.replace(",", ";")))
    assert len(added) == 1 and added[0].items.get().quantity == 1  # one line ordered: one unit by default


def test_consignees_never_receive_more_units_than_the_order_holds():
    order, owner = white_label_order(units=2)
    with_consignees(order, owner, 2)
    with pytest.raises(services.QuantitiesExceeded):
        with_consignees(order, owner, 1)
    assert Consignee.objects.filter(order=order).count() == 2


def test_consignees_are_locked_once_shipping_started_and_absent_from_own_address_orders(settings):
    order, owner = white_label_order(units=3)
    with_consignees(order, owner, 1)
    settings.SHIPPING_CARRIER = "in_house"
    from orders import services as order_services

    order_services.mark_paid(order=order, source="test")
    services.start_white_label_shipping(order=Order.objects.get(pk=order.pk))
    with pytest.raises(services.ConsigneesLocked):
        with_consignees(order, owner, 1)
    order.delivery_mode = Order.Delivery.OWN_ADDRESS
    with pytest.raises(services.NotWhiteLabel):
        with_consignees(order, owner, 1)
    assert services.start_white_label_shipping(order=order) == []


def test_masks_show_enough_to_tell_rows_apart_and_nothing_more():
    assert masking.mask_name("Amina Haddad") == "A•••• H•••••"
    assert masking.mask_phone("+966551234567") == "•••••••••••67"
    assert masking.mask_email("amina@example.test") == "a••••@e••••"
