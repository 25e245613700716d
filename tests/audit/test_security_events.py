"""Security monitoring: one table and one structured log for every event, alerts to the security role."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import SecurityEvent
from audit.security import record_event
from portal.staff import create_staff_member
from privacy.models import SecurityAlert
from tests.factories import PASSWORD
from tests.merchants.factories import verified_user

pytestmark = pytest.mark.django_db

EMAIL = "watched.member@example.test"


def test_a_failed_sign_in_is_recorded_with_a_keyed_hash_and_logged_without_the_email(client, caplog):
    user = verified_user(EMAIL)
    with caplog.at_level(logging.INFO, logger="audit.security"):
        client.post(reverse("account_login"), {"login": EMAIL, "password": "wrong password 123"})
    event = SecurityEvent.objects.get(kind="login_failed")
    assert event.user == user
    assert event.ip_address == "127.0.0.1"
    assert event.username_hash and EMAIL not in event.username_hash
    line = next(r for r in caplog.records if r.name == "audit.security")
    assert line.levelname == "WARNING"
    assert line.security["event"] == "login_failed"
    assert EMAIL not in line.getMessage() and "127.0.0.1" not in line.getMessage()


def test_repeated_failures_lock_out_and_the_lockout_is_recorded(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    verified_user(EMAIL)
    for _ in range(4):
        client.post(reverse("account_login"), {"login": EMAIL, "password": "wrong password 123"})
    assert SecurityEvent.objects.filter(kind="locked_out").exists()


def test_a_sign_in_from_a_new_browser_is_flagged_but_the_first_ever_is_not(client):
    user = verified_user(EMAIL)
    client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD}, HTTP_USER_AGENT="Firefox/120.0")
    assert SecurityEvent.objects.filter(user=user, kind="logged_in").count() == 1
    Client().post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD}, HTTP_USER_AGENT="Firefox/121.0")
    assert not SecurityEvent.objects.filter(kind="new_device").exists(), "a browser update is not a new device"
    Client().post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD}, HTTP_USER_AGENT="Safari/17.1")
    event = SecurityEvent.objects.get(kind="new_device")
    assert event.details["new_browser"] is True and event.details["new_address"] is False


def test_a_burst_of_failures_from_one_address_emails_the_security_role_once(
    settings, django_capture_on_commit_callbacks
):
    settings.SECURITY_BURST_THRESHOLD = 5
    create_staff_member(email="guard@store.test", roles=["security"])
    create_staff_member(email="designer@store.test", roles=["designer"])
    with django_capture_on_commit_callbacks(execute=True):
        for attempt in range(8):
            Client().post(reverse("account_login"), {"login": f"guess{attempt}@example.test", "password": "x" * 12})
    alert = SecurityAlert.objects.get(rule="failure_burst")
    assert alert.details["count"] == 5
    assert [m.to for m in mail.outbox] == [["guard@store.test"]]
    assert "127.0.0.1" in mail.outbox[0].body
    assert all("guess" not in m.body for m in mail.outbox)


def staff_sign_in(client: Client, email: str, code: str) -> None:
    client.post(reverse("admin:login"), {"username": email, "password": PASSWORD})
    response = client.post(reverse("admin:login_verify"), {"code": code})
    assert response.status_code == 302


def test_a_staff_sign_in_from_a_new_address_alerts_the_security_role(django_capture_on_commit_callbacks):
    create_staff_member(email="guard@store.test", roles=["security"])
    creds = create_staff_member(email="finance@store.test", roles=["finance"], password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        staff_sign_in(Client(REMOTE_ADDR="192.0.2.10"), creds.email, creds.backup_codes[0])
        staff_sign_in(Client(REMOTE_ADDR="192.0.2.10"), creds.email, creds.backup_codes[1])
    assert not SecurityAlert.objects.exists(), "the first sign-in and a known address raise nothing"
    with django_capture_on_commit_callbacks(execute=True):
        staff_sign_in(Client(REMOTE_ADDR="203.0.113.9"), creds.email, creds.backup_codes[2])
    alert = SecurityAlert.objects.get(rule="admin_new_ip")
    assert alert.details["ip_address"] == "203.0.113.9"
    assert [m.to for m in mail.outbox] == [["guard@store.test"]]
    assert "203.0.113.9" in mail.outbox[0].body


def test_failed_staff_codes_are_recorded_as_code_failures(client):
    creds = create_staff_member(email="reviewer@store.test", roles=["reviewer"], password=PASSWORD)
    client.post(reverse("admin:login"), {"username": creds.email, "password": PASSWORD})
    client.post(reverse("admin:login_verify"), {"code": "000000"})
    event = SecurityEvent.objects.get(kind="code_failed")
    assert event.user.email == creds.email
    assert event.details["step"] == "staff_sign_in"


def test_a_permission_denial_is_recorded_with_the_route_not_the_path(staff_client):
    designer = staff_client("designer")
    response = designer.get(reverse("admin:audit_securityevent_changelist"))
    assert response.status_code == 403
    event = SecurityEvent.objects.get(kind="permission_denied")
    assert event.user == designer.staff_user


def test_details_that_would_carry_personal_data_are_refused():
    with pytest.raises(ValueError, match="email"):
        record_event("webhook_invalid", email="someone@example.test")


def test_payments_can_record_an_invalid_webhook_signature():
    event = record_event("webhook_invalid", provider="stripe", ip_address="198.51.100.7")
    assert event.kind == "webhook_invalid" and event.ip_address == "198.51.100.7"
    assert event.details == {"provider": "stripe"}


def test_the_security_role_reads_events_and_other_roles_cannot(staff_client):
    record_event("login_failed", username="x@example.test", ip_address="198.51.100.7")
    security = staff_client("security")
    response = security.get(reverse("admin:audit_securityevent_changelist"), {"q": "198.51.100.7"})
    assert response.status_code == 200
    assert "198.51.100.7" in response.content.decode()


def member_with_two_factor(email: str = EMAIL) -> tuple:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = verified_user(email)
    TOTP.activate(user, generate_totp_secret())
    codes = RecoveryCodes.activate(user).get_unused_codes()
    return user, codes


def test_a_members_wrong_two_factor_code_is_recorded_as_a_code_failure(client):
    user, _codes = member_with_two_factor()
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200  # the form again, with an error
    event = SecurityEvent.objects.get(kind="code_failed")
    assert event.user == user and event.ip_address == "127.0.0.1"
    assert event.details["step"] == "member_sign_in" and event.details["authenticator"] == "totp"
    assert EMAIL not in str(event.details) and "000000" not in str(event.details)


def test_a_used_recovery_code_tried_again_is_a_code_failure(client):
    user, codes = member_with_two_factor()
    client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert not SecurityEvent.objects.filter(kind="code_failed").exists()
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert SecurityEvent.objects.get(kind="code_failed").user == user


def test_members_wrong_codes_count_for_the_burst_alert(settings, django_capture_on_commit_callbacks):
    settings.SECURITY_BURST_THRESHOLD = 3
    create_staff_member(email="guard@store.test", roles=["security"])
    member_with_two_factor()
    member_client = Client()
    member_client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            member_client.post(reverse("mfa_authenticate"), {"code": "000000"})
    alert = SecurityAlert.objects.get(rule="failure_burst")
    assert alert.details["count"] == 3
    assert [m.to for m in mail.outbox] == [["guard@store.test"]]
