"""Optional TOTP for merchant members (allauth MFA) with recovery codes; an owner can make it mandatory."""

from __future__ import annotations

import base64

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.urls import reverse
from django_otp.oath import TOTP

from tests.factories import PASSWORD, MembershipFactory
from tests.merchants.test_accounts import login, verified_user

pytestmark = pytest.mark.django_db


def code_for(secret: str) -> str:
    return f"{TOTP(base64.b32decode(secret)).token():06d}"


def test_a_member_turns_on_totp_and_then_signs_in_with_a_recovery_code_once(client):
    user = verified_user("member@example.test")
    MembershipFactory(user=user, merchant__require_two_factor=True)
    login(client, user.email)
    assert client.get(reverse("merchants:home"))["Location"] == reverse("mfa_activate_totp")

    reauthenticate = client.get(reverse("mfa_activate_totp"))["Location"]
    assert reauthenticate.startswith(reverse("account_reauthenticate"))  # sensitive: password asked again
    client.post(reauthenticate, {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("merchants:home")).status_code == 200  # the company's rule is met

    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    codes = RecoveryCodes(recovery).get_unused_codes()
    assert len(codes) >= 8

    client.post(reverse("account_logout"))
    first = login(client, user.email)
    assert first["Location"] == reverse("mfa_authenticate")  # the password alone is not enough
    assert client.get(reverse("merchants:home")).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert client.get(reverse("merchants:home")).status_code == 200

    client.post(reverse("account_logout"))
    login(client, user.email, PASSWORD)
    reused = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert reused.status_code == 200  # the form again, with an error
    assert client.get(reverse("merchants:home")).status_code == 302
