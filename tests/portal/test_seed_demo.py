"""`seed_demo` loads the demo data and is idempotent: run twice, same data and same printed logins."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from merchants.models import Membership, Merchant
from orders.models import Category, Product

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "users": sorted(get_user_model().objects.values_list("email", "is_staff", "password")),
        "groups": sorted(get_user_model().objects.filter(is_staff=True).values_list("email", "groups__name")),
        "devices": sorted(TOTPDevice.objects.values_list("user__email", "key", "confirmed")),
        "codes": sorted(StaticToken.objects.values_list("device__user__email", "token")),
        "merchants": sorted(Merchant.objects.values_list("code", "country", "currency", "status")),
        "members": sorted(Membership.objects.values_list("user__email", "merchant__code", "role")),
        "products": sorted(Product.objects.values_list("sku", "unit_price_sar", "category__slug", "name_ar")),
        "categories": Category.objects.count(),
    }


def test_seed_demo_twice_gives_the_same_data_and_the_same_logins(capsys):
    call_command("seed_demo")
    first_output, first = capsys.readouterr().out, snapshot()
    call_command("seed_demo")
    second_output, second = capsys.readouterr().out, snapshot()
    assert first == second
    assert first_output == second_output

    assert len(first["products"]) >= 40
    assert {code: (country, currency) for code, country, currency, _ in first["merchants"]} == {
        "M-DEMSA": ("SA", "SAR"),
        "M-DEMFR": ("FR", "EUR"),
    }
    assert {role for _, _, role in first["members"]} == {"owner", "buyer"}
    staff_roles = {role for _, role in first["groups"]}
    assert staff_roles == {group.name for group in Group.objects.all()}
    assert "otpauth://totp/" in first_output
    assert "owner@sa.demo" in first_output
