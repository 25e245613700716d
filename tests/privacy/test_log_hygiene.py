"""Done when: no log line contains a password, a TOTP code, a session id, an email of a test user or a card
number. This test walks the sensitive flows with sentinel values, every logger at DEBUG, and reads it all."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from merchants.models import Membership
from portal.staff import create_staff_member
from tests.factories import MerchantFactory
from tests.privacy.log_guard import SecretsHandler, looks_like_card

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "sentinel.member@example.test"
PASSWORD = "Sentinel-Passw0rd-7731"
STAFF_EMAIL = "sentinel.staff@store.test"
STAFF_PASSWORD = "Staff-Sentinel-Passw0rd-4410"
WRONG_CODE = "731904"
CARD = "4242424242424242"


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(SecretsHandler.text_of(record))


@pytest.fixture
def captured():
    root = logging.getLogger()
    handler, level = Everything(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def totp_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_the_sensitive_flows_write_no_secret_and_no_personal_data_to_any_log(
    captured, django_capture_on_commit_callbacks, settings
):
    settings.AXES_FAILURE_LIMIT = 50  # this walk fails on purpose more often than a lockout allows
    sessions: list[str] = []
    member = Client()
    with django_capture_on_commit_callbacks(execute=True):
        member.post(reverse("account_signup"), {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD})
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    member.post(link.removeprefix("http://testserver"))
    from merchants.models import User

    user = User.objects.get(email=EMAIL)
    Membership.objects.create(user=user, merchant=MerchantFactory(), role=Membership.Role.OWNER)

    Client().post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD + "x"})
    Client().post(reverse("account_login"), {"login": CARD, "password": CARD})
    member = Client()
    member.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    sessions.append(member.cookies["sessionid"].value)
    with django_capture_on_commit_callbacks(execute=True):
        member.post(reverse("privacy:export_request"))
    token_path = re.search(r"/privacy/exports/\S+/", mail.outbox[-1].body).group(0)
    assert member.get(token_path).status_code == 200
    member.post(reverse("privacy:erasure"), {"confirm": "on", "reason": f"My card {CARD} and {EMAIL}"})
    member.get("/privacy/does-not-exist/")

    creds = create_staff_member(email=STAFF_EMAIL, roles=["designer"], password=STAFF_PASSWORD)
    staff = Client()
    staff.post(reverse("admin:login"), {"username": STAFF_EMAIL, "password": STAFF_PASSWORD + "x"})
    staff.post(reverse("admin:login"), {"username": STAFF_EMAIL, "password": STAFF_PASSWORD})
    staff.post(reverse("admin:login_verify"), {"code": WRONG_CODE})
    code = totp_now(TOTPDevice.objects.get(user__email=STAFF_EMAIL))
    staff.post(reverse("admin:login_verify"), {"code": code})  # refused: throttled right after a failure
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):  # after the throttle's pause
        assert staff.post(reverse("admin:login_verify"), {"code": creds.backup_codes[0]}).status_code == 302
    sessions.append(staff.cookies["sessionid"].value)
    staff.get(reverse("admin:privacy_securityevent_changelist"))  # denied: the designer role does not see it

    everything = "\n".join(captured.lines)
    assert "security_event" in everything, "the flows above were logged"
    sentinels = [
        EMAIL,
        "sentinel.member",
        PASSWORD,
        STAFF_EMAIL,
        STAFF_PASSWORD,
        WRONG_CODE,
        code,
        *sessions,
        *creds.backup_codes,
    ]
    for line in captured.lines:
        leaked = [s for s in sentinels if s in line]
        assert not leaked, f"{leaked} in a log line: {line[:300]}"
        assert not looks_like_card(line), line[:300]
