"""Done when: no log line contains a password, a TOTP code, a session id, an email of a test user or a card
number. This test walks the sensitive flows with sentinel values, every logger at DEBUG, and reads it all."""

from __future__ import annotations

import logging
import re
import socket

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from merchants.models import Membership
from portal.staff import create_staff_member
from tests.factories import MerchantFactory
from tests.privacy.log_guard import SecretsHandler, assert_clean_log_file, looks_like_card

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


@pytest.mark.django_db(transaction=True)
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
    other = Client()  # the right code on a second sign-in, the backup code on the first: both are logged flows
    other.post(reverse("admin:login"), {"username": STAFF_EMAIL, "password": STAFF_PASSWORD})
    assert other.post(reverse("admin:login_verify"), {"code": code}).status_code == 302
    assert staff.post(reverse("admin:login_verify"), {"code": creds.backup_codes[0]}).status_code == 302
    sessions.append(staff.cookies["sessionid"].value)
    staff.get(reverse("admin:audit_securityevent_changelist"))  # denied: the designer role does not see it

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


# The guard itself: card networks beyond Visa and Mastercard are caught, VAT numbers are not.

CARDS_OF_EVERY_NETWORK = [
    "3714 496353 98431",  # American Express, 15 digits from 37
    "6011-1111-1111-1117",  # Discover, from 6011
    "6500000000000002",  # Discover, from 65
    "3530111333300000",  # JCB, from 35
    "36227206271667",  # Diners Club, 14 digits from 36
    "38520000023237",  # Diners Club, from 38
]
#: Saudi VAT numbers (15 digits from 3 to 3), the store's own among them; the last one passes Luhn
VAT_NUMBERS = ["300000000000003", "310123456700003", "310123456703003"]


def guard_leaks(message: str, *args: object, **extra: object) -> list[str]:
    handler = SecretsHandler()
    record = logging.LogRecord("portal.test", logging.INFO, __file__, 1, message, args or None, None)
    record.__dict__.update(extra)
    handler.emit(record)
    return handler.leaks


@pytest.mark.parametrize("number", CARDS_OF_EVERY_NETWORK)
def test_the_guard_flags_a_card_number_of_every_network(number):
    (leak,) = guard_leaks("charge refused for %s", number)
    assert "a card number" in leak
    (leak,) = guard_leaks("charge refused", card_hint=number)  # in the structured extras too
    assert "a card number" in leak


@pytest.mark.parametrize("number", VAT_NUMBERS)
def test_the_guard_leaves_a_saudi_vat_number_alone(number):
    assert guard_leaks("invoice issued", vat_number=number) == []
    assert guard_leaks(f"merchant VAT {number} verified") == []


def test_a_worker_log_file_is_scanned_with_the_same_rules(tmp_path):
    clean = tmp_path / "clean.log"
    clean.write_text(
        f"[2026-01-01 10:00:00,000: INFO/MainProcess] test-shipping-1a2b-0@{socket.getfqdn()} ready.\n"
        "[2026-01-01 10:00:01,000: INFO/ForkPoolWorker-1] Task shipping.book[ab12] succeeded: None\n"
        "invoice 41 for VAT 310123456700003 rendered\n"
    )
    assert_clean_log_file(clean)

    leaky = tmp_path / "leaky.log"
    leaky.write_text(
        f"[2026-01-01 10:00:00,000: INFO/MainProcess] celery@{socket.gethostname()} ready.\n"
        "[2026-01-01 10:00:02,000: WARNING/ForkPoolWorker-1] refund of 371449635398431 to amina@example.test\n"
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_clean_log_file(leaky)
    assert "line 2" in str(failure.value)
    assert "a card number" in str(failure.value) and "an email address" in str(failure.value)
    assert "line 1" not in str(failure.value), "a worker's node name is not an email address"
