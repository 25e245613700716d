"""The staff admin opens only after a password *and* a second factor (TOTP or a backup code)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.staff import create_staff_member
from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now, computed from the device's secret."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def staff():
    creds = create_staff_member(email="reviewer@store.test", roles=["reviewer"], password=PASSWORD)
    return creds


def sign_in_password(client, email=None, password=PASSWORD):
    return client.post(reverse("admin:login"), {"username": email, "password": password, "next": ADMIN})


def test_admin_redirects_anonymous_to_sign_in(client):
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_password_alone_never_opens_the_admin(client, staff):
    response = sign_in_password(client, staff.email)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login_verify"))
    # The session is not logged in after the password step: the admin still redirects.
    assert "_auth_user_id" not in client.session
    assert client.get(ADMIN).status_code == 302
    assert client.get(reverse("admin:merchants_user_changelist")).status_code == 302


def test_a_real_totp_code_opens_the_admin_and_cannot_be_replayed(client, staff):
    device = TOTPDevice.objects.get(user__email=staff.email)
    sign_in_password(client, staff.email)
    code = current_code(device)
    response = client.post(reverse("admin:login_verify"), {"code": code, "next": ADMIN})
    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200

    other = client.__class__()
    sign_in_password(other, staff.email)
    replay = other.post(reverse("admin:login_verify"), {"code": code, "next": ADMIN})
    assert replay.status_code == 200
    assert "not valid" in replay.content.decode()
    assert other.get(ADMIN).status_code == 302


def test_a_backup_code_works_exactly_once(client, staff):
    code = staff.backup_codes[0]
    sign_in_password(client, staff.email)
    assert client.post(reverse("admin:login_verify"), {"code": code}).status_code == 302
    assert client.get(ADMIN).status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()

    other = client.__class__()
    sign_in_password(other, staff.email)
    assert other.post(reverse("admin:login_verify"), {"code": code}).status_code == 200
    assert other.get(ADMIN).status_code == 302


def test_verify_page_without_a_fresh_password_step_sends_back_to_sign_in(client, staff):
    response = client.get(reverse("admin:login_verify"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:login")


def test_a_wrong_password_and_a_non_staff_user_get_the_same_answer(client):
    StaffFactory(email="staff@store.test")
    from tests.factories import UserFactory

    UserFactory(email="merchant@example.test")
    wrong = sign_in_password(client, "staff@store.test", "wrong password!")
    not_staff = sign_in_password(client, "merchant@example.test")
    assert wrong.status_code == not_staff.status_code == 200
    message = "Please enter the email and password of a staff account."
    assert message in wrong.content.decode()
    assert message in not_staff.content.decode()


def test_staff_without_a_device_enrols_right_after_the_password_and_gets_backup_codes(client):
    user = StaffFactory(email="new@store.test")
    response = sign_in_password(client, user.email)
    assert response["Location"].startswith(reverse("admin:login_enrol"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(reverse("admin:login_enrol"), {"code": current_code(device), "next": ADMIN})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(ADMIN).status_code == 200


def test_enrolment_page_is_closed_without_a_password_step(client):
    StaffFactory(email="new@store.test")
    assert client.get(reverse("admin:login_enrol"))["Location"] == reverse("admin:login")


def test_staff_with_a_device_cannot_enrol_another_one_from_the_password_step(client, staff):
    sign_in_password(client, staff.email)
    response = client.get(reverse("admin:login_enrol"))
    assert response["Location"] == reverse("admin:login_verify")
    assert TOTPDevice.objects.filter(user__email=staff.email).count() == 1


def test_failed_passwords_lock_out_the_account(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_password(client, staff.email, "wrong password!")
    locked = sign_in_password(client, staff.email)  # even the right password is refused now
    assert locked.status_code == 429
    assert client.get(ADMIN).status_code == 302


def test_failed_codes_lock_out_the_account_and_are_recorded(client, staff, settings):
    from axes.models import AccessAttempt

    sign_in_password(client, staff.email)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login_verify"), {"code": "000000"})
    attempt = AccessAttempt.objects.get(username=staff.email)
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
    # Locked out: even the right password no longer reaches the second step.
    assert sign_in_password(client, staff.email).status_code == 429
    assert client.get(ADMIN).status_code == 302


def test_createstaff_prints_an_otpauth_uri_and_backup_codes(capsys):
    call_command("createstaff", "finance@store.test", "--role", "finance")
    out = capsys.readouterr().out
    assert "otpauth://totp/" in out
    device = TOTPDevice.objects.get(user__email="finance@store.test")
    assert device.confirmed
    assert device.config_url in out
    codes = out.split("Backup codes (each works once): ")[1].split()
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=device.user, token__in=codes).count() == 10
    assert list(device.user.groups.values_list("name", flat=True)) == ["finance"]


def test_roles_exist_as_groups():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "reviewer",
        "designer",
        "fulfilment",
        "finance",
        "security",
        "admin",
    }


def test_failures_from_one_address_lock_that_address_out_across_accounts(client, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in_password(client, f"nobody{i}@store.test", "wrong password!")
    create_staff_member(email="real@store.test", roles=["reviewer"], password=PASSWORD)
    assert sign_in_password(client, "real@store.test").status_code == 429  # the address is locked
    other_address = client.__class__(REMOTE_ADDR="10.9.8.7")
    assert sign_in_password(other_address, "real@store.test").status_code == 302
