"""Expected refusals are one line at WARNING at most, and logged paths never keep an access token; flash
messages never travel in a cookie."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import SuspiciousOperation

from portal.log_filters import ExpectedRefusals, ScrubbedPaths
from tests.factories import UserFactory

SECRET = "Zq8sEcReTtOkEn42"


@pytest.mark.django_db
def test_a_404_on_a_token_link_is_one_warning_line_without_the_token(client, caplog):
    caplog.set_level(logging.INFO, logger="django.request")
    response = client.get(f"/privacy/exports/{SECRET}/?k={SECRET}")
    assert response.status_code in {302, 404}
    client.force_login(UserFactory())
    response = client.get(f"/portal/invitations/{SECRET}/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records, "Django logged no refusal"
    for record in records:
        assert record.levelno <= logging.WARNING
        assert record.exc_info is None
        assert SECRET not in record.getMessage()


def _record(name: str, level: int, status: int | None, message: str, *args: object) -> logging.LogRecord:
    try:
        raise SuspiciousOperation("bad input")
    except SuspiciousOperation:
        import sys

        record = logging.LogRecord(name, level, __file__, 1, message, args, sys.exc_info())
    if status is not None:
        record.status_code = status
    return record


@pytest.mark.parametrize(
    ("name", "status"),
    [("django.request", 404), ("django.request", 403), ("django.request", 400), ("django.security.Suspicious", None)],
)
def test_refusals_lose_their_traceback_and_come_down_to_warning(name, status):
    record = _record(name, logging.ERROR, status, "Refused: %s", f"/privacy/exports/{SECRET}/")
    assert ExpectedRefusals().filter(record) and ScrubbedPaths().filter(record)
    assert (record.levelno, record.exc_info) == (logging.WARNING, None)
    assert record.getMessage() == "Refused: /privacy/exports/{token}/"


def test_a_server_error_keeps_its_traceback_and_level():
    record = _record("django.request", logging.ERROR, 500, "Internal Server Error: %s", "/portal/")
    ExpectedRefusals().filter(record)
    assert record.levelno == logging.ERROR and record.exc_info is not None


@pytest.mark.django_db
def test_flash_messages_stay_in_the_session_and_never_in_a_cookie(client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from tests.factories import MembershipFactory

    owner = MembershipFactory()
    client.force_login(owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("merchants:members"), {"email": "colleague@example.test", "role": "buyer"})
    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "The invitation has been sent." in client.get(response["Location"]).content.decode()
