"""Members' TOTP secrets and recovery-code seeds are encrypted at rest; signing in with a code still works."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, generate_totp_secret
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from tests.factories import PASSWORD, MembershipFactory
from tests.merchants.test_accounts import login, verified_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _encrypting_adapter(settings):
    settings.MFA_ADAPTER = "privacy.mfa.MFAAdapter"


def code_for(secret: str) -> str:
    return f"{TOTP(base64.b32decode(secret)).token():06d}"


def raw_data(user) -> str:
    """Every authenticator row of the user, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE user_id = %s", [user.pk])
        return " ".join(str(row[0]) for row in cursor.fetchall())


def signs_in_with_code(client, user, secret: str) -> bool:
    client.post(reverse("account_logout"))
    assert login(client, user.email)["Location"] == reverse("mfa_authenticate")
    with time_machine.travel(timezone.now(), tick=False):  # the code and its check in the same 30-second step
        client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    return client.get(reverse("merchants:home")).status_code == 200


def test_a_members_totp_secret_is_not_stored_in_clear_and_their_codes_still_work(client):
    user = verified_user("totp.member@example.test")
    MembershipFactory(user=user)
    login(client, user.email)
    reauthenticate = client.get(reverse("mfa_activate_totp"))["Location"]
    client.post(reauthenticate, {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    assert client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)}).status_code == 302

    stored = raw_data(user)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert secret not in stored and secret.lower() not in stored
    assert totp.data["secret"].startswith("fernet:")
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert recovery.data["seed"].startswith("fernet:")

    with time_machine.travel(timezone.now() + timedelta(seconds=31)):  # a fresh code, not the one just used
        assert signs_in_with_code(client, user, secret)


def test_a_secret_stored_in_clear_before_encryption_still_signs_in(client):
    user = verified_user("legacy.member@example.test")
    MembershipFactory(user=user)
    secret = generate_totp_secret()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
    assert signs_in_with_code(client, user, secret)
