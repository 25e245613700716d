"""The demo merchants: one in Saudi Arabia, one in France, each with an owner and a buyer who can sign in."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from merchants import demo
from merchants.models import Membership, Merchant

pytestmark = pytest.mark.django_db


def test_seed_creates_two_approved_merchants_with_an_owner_and_a_buyer_each():
    rows = demo.seed()
    by_email = {email: (code, role) for email, code, role in rows}
    sa, fr = Merchant.objects.get(country="SA"), Merchant.objects.get(country="FR")
    assert (sa.currency, sa.language, sa.status) == ("SAR", "ar", Merchant.Status.ACTIVE)
    assert (fr.currency, fr.language, fr.status) == ("EUR", "fr", Merchant.Status.ACTIVE)
    assert by_email == {
        "owner@sa.demo": (sa.code, "owner"),
        "buyer@sa.demo": (sa.code, "buyer"),
        "owner@fr.demo": (fr.code, "owner"),
        "buyer@fr.demo": (fr.code, "buyer"),
    }
    for email in by_email:
        user = get_user_model().objects.get(email=email)
        assert user.check_password(demo.DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user).verified
        assert EmailAddress.objects.get(user=user).primary


def test_seed_twice_leaves_the_same_data():
    first_rows = demo.seed()

    def snapshot():
        return (
            sorted(Merchant.objects.values_list("pk", "code", "legal_name", "currency", "language")),
            sorted(Membership.objects.values_list("pk", "user__email", "merchant__code", "role")),
            sorted(EmailAddress.objects.values_list("pk", "email", "verified", "primary")),
            sorted(get_user_model().objects.values_list("pk", "email", "password", "language")),
        )

    before = snapshot()
    assert demo.seed() == first_rows
    assert snapshot() == before


def test_a_demo_owner_signs_in_with_the_published_password_and_sees_the_company(client):
    demo.seed()
    response = client.post(reverse("account_login"), {"login": "owner@fr.demo", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("merchants:home"))
    assert page.status_code == 200
    assert "Maison Atlas" in page.content.decode()
