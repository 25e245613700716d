"""Suite-wide guard: no log line written by any test may carry a password, a session id, a backup code,
an email address or a card number. Installed by tests/conftest.py; a test whose logs leak one fails.

Known secrets are collected as the suite creates them (sessions, backup codes) or are the suite's own
(the factories' password); emails and card numbers are recognised by their shape.
"""

from __future__ import annotations

import logging
import re

import pytest

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# 13 to 19 digits, grouped by spaces or dashes at most, not part of a longer number, a decimal or a word
CARD = re.compile(r"(?<![\w.])(?:\d[ -]?){12,18}\d(?![\w.])")
TEST_CARDS = ("4242424242424242", "4000056655665556", "5555555555554444", "378282246310005", "4000000000000002")


def luhn_valid(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for i, char in enumerate(digits):
        d = int(char)
        if i % 2 == parity:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def looks_like_card(text: str) -> bool:
    for match in CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if digits in TEST_CARDS or (len(digits) == 16 and digits[0] in "45" and luhn_valid(digits)):
            return True
    return False


class SecretsHandler(logging.Handler):
    """Collects every log record that carries one of the secrets or shapes above."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.secrets: set[str] = set()
        self.leaks: list[str] = []

    @staticmethod
    def text_of(record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is still checked as it stands
            message = f"{record.msg} {record.args}"
        standard = logging.LogRecord("", 0, "", 0, "", None, None).__dict__
        extras = {k: v for k, v in record.__dict__.items() if k not in standard}
        return " ".join([message, repr(extras), record.exc_text or ""])

    def emit(self, record: logging.LogRecord) -> None:
        text = self.text_of(record)
        found = [s for s in self.secrets if s and s in text]
        if EMAIL.search(text):
            found.append("an email address")
        if looks_like_card(text):
            found.append("a card number")
        if found:
            self.leaks.append(f"{record.name} {record.levelname}: {sorted(set(found))} in {text[:300]!r}")


HANDLER = SecretsHandler()


def _remember_session(sender, instance, **kwargs) -> None:  # noqa: ANN001
    HANDLER.secrets.add(instance.session_key)


def _remember_token(sender, instance, **kwargs) -> None:  # noqa: ANN001
    HANDLER.secrets.add(instance.token)


@pytest.fixture(autouse=True, scope="session")
def _secrets_handler():
    """Install the handler on the root logger and learn the secrets the suite creates."""
    from django.contrib.sessions.models import Session
    from django.db.models.signals import post_save
    from django_otp.plugins.otp_static.models import StaticToken

    from tests.factories import PASSWORD

    HANDLER.secrets.add(PASSWORD)
    post_save.connect(_remember_session, sender=Session, dispatch_uid="log_guard.session")
    post_save.connect(_remember_token, sender=StaticToken, dispatch_uid="log_guard.token")
    logging.getLogger().addHandler(HANDLER)
    yield HANDLER
    logging.getLogger().removeHandler(HANDLER)


@pytest.fixture(autouse=True)
def _no_secrets_in_logs(_secrets_handler):
    """Fail the test whose logs carried a secret, naming the logger and what leaked."""
    _secrets_handler.leaks.clear()
    yield
    leaks, _secrets_handler.leaks[:] = list(_secrets_handler.leaks), []
    if leaks:
        pytest.fail("secrets or personal data in the logs:\n" + "\n".join(leaks), pytrace=False)
