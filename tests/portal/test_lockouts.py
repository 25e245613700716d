"""Behind two proxies, no client can lock out or rate-limit another one's sign-in, code step or reset."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.staff import create_staff_member
from tests.factories import PASSWORD
from tests.merchants.factories import verified_user

pytestmark = pytest.mark.django_db

PROXY_1, PROXY_2 = "10.0.0.1", "10.0.0.2"


@pytest.fixture(autouse=True)
def two_proxies(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 2


def behind_proxies(address: str) -> Client:
    """A browser at `address`, through two proxies: each appends the address it saw to X-Forwarded-For;
    the client forges a leftmost entry of its own, which must never count."""
    return Client(REMOTE_ADDR=PROXY_2, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {address}, {PROXY_1}")


def code_of(email: str) -> str:
    device = TOTPDevice.objects.get(user__email=email)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def staff_signs_in(client: Client, email: str, password: str = PASSWORD) -> bool:
    client.post(reverse("admin:login"), {"username": email, "password": password})
    client.post(reverse("admin:login_verify"), {"code": code_of(email)})
    return "_auth_user_id" in client.session


@pytest.fixture
def staff():
    return create_staff_member(email="reviewer@store.test", roles=["reviewer"], password=PASSWORD)


def test_failures_from_one_address_never_lock_the_staff_owner_out_from_another(staff):
    attacker = behind_proxies("198.51.100.66")
    for _ in range(6):
        attacker.post(reverse("admin:login"), {"username": staff.email, "password": "wrong password 1"})
    assert attacker.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD}).status_code == 429
    assert staff_signs_in(behind_proxies("203.0.113.7"), staff.email)


def test_a_staff_account_attacked_from_many_addresses_needs_password_and_code_but_never_locks(settings, staff):
    settings.STAFF_UNDER_ATTACK_FAILURES = 10
    for number in range(12):
        client = behind_proxies(f"198.51.100.{number + 1}")
        client.post(reverse("admin:login"), {"username": staff.email, "password": "wrong password 1"})
    # Under attack: a wrong password goes on to the code step too, and no code signs it in.
    attacker = behind_proxies("198.51.100.99")
    response = attacker.post(reverse("admin:login"), {"username": staff.email, "password": "wrong password 1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login_verify"))
    attacker.post(reverse("admin:login_verify"), {"code": code_of(staff.email)})
    assert "_auth_user_id" not in attacker.session
    # The owner, from a new address, signs in with the right password and the right code.
    assert staff_signs_in(behind_proxies("203.0.113.7"), staff.email)


def test_failed_codes_from_one_address_never_lock_the_staff_owner_out_from_another(staff):
    attacker = behind_proxies("198.51.100.66")
    attacker.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    for _ in range(6):
        attacker.post(reverse("admin:login_verify"), {"code": "000000"})
    assert staff_signs_in(behind_proxies("203.0.113.7"), staff.email)


def merchant_signs_in(client: Client, email: str, password: str = PASSWORD) -> bool:
    client.post(reverse("account_login"), {"login": email, "password": password})
    return "_auth_user_id" in client.session


def test_failures_with_unknown_emails_from_many_addresses_never_lock_a_merchant_out():
    user = verified_user("member@example.test")
    for number in range(5):
        client = behind_proxies(f"198.51.100.{number + 1}")
        client.post(reverse("account_login"), {"login": f"nobody{number}@example.test", "password": "x" * 12})
    assert merchant_signs_in(behind_proxies("203.0.113.7"), user.email)


def test_failures_for_a_merchants_email_from_one_address_never_lock_the_merchant_out_from_another():
    user = verified_user("member@example.test")
    attacker = behind_proxies("198.51.100.66")
    for _ in range(6):
        attacker.post(reverse("account_login"), {"login": user.email, "password": "wrong password 1"})
    assert not merchant_signs_in(attacker, user.email)
    assert merchant_signs_in(behind_proxies("203.0.113.7"), user.email)


def test_one_client_asking_for_resets_never_blocks_another_clients_reset():
    user = verified_user("member@example.test")
    attacker = behind_proxies("198.51.100.66")
    for _ in range(21):
        attacker.post(reverse("account_reset_password"), {"email": user.email})
    assert attacker.post(reverse("account_reset_password"), {"email": user.email}).status_code == 429
    mail.outbox.clear()
    response = behind_proxies("203.0.113.7").post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
