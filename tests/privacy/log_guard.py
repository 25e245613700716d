"""Suite-wide guard: no log line written by any test may carry a password, a session id, a backup code,
an email address or a card number. Installed by tests/conftest.py; a test whose logs leak one fails.

Known secrets are collected as the suite creates them (sessions, backup codes) or are the suite's own
(the factories' password); emails and card numbers are recognised by their shape.

Logs written by other processes (real Celery workers started by a test) do not pass through this handler:
the test hands the log file to `assert_clean_log_file(path)`, which applies the same rules line by line.
"""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterable
from pathlib import Path

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


#: card numbers by length and leading digits (IIN), each also Luhn-valid. Requiring both keeps other long
#: numbers out: a Saudi VAT number (15 digits, starting and ending with 3) matches only when it starts with
#: 34 or 37 (the Amex prefixes) and happens to pass Luhn, about one in ten of those: such a VAT number in a
#: log line fails the test and must be masked or left out, which the logging rules ask anyway.
CARD_SHAPES: dict[int, tuple[str, ...]] = {
    14: ("36", "38"),  # Diners Club
    15: ("34", "37"),  # American Express
    16: ("4", "5", "6011", "65", "35"),  # Visa, Mastercard, Discover, JCB
}


def is_card_number(digits: str) -> bool:
    """A known test card, or a Luhn-valid number of a card network's length and prefix."""
    if digits in TEST_CARDS:
        return True
    prefixes = CARD_SHAPES.get(len(digits), ())
    return digits.startswith(prefixes) and luhn_valid(digits)


def looks_like_card(text: str) -> bool:
    return any(is_card_number(re.sub(r"\D", "", match.group(0))) for match in CARD.finditer(text))


def leaks_in(text: str, secrets: Iterable[str] = ()) -> list[str]:
    """What of the known secrets and of the shapes above `text` carries (empty when clean)."""
    found = [s for s in secrets if s and s in text]
    if EMAIL.search(text):
        found.append("an email address")
    if looks_like_card(text):
        found.append("a card number")
    return sorted(set(found))


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
        found = leaks_in(text, self.secrets)
        if found:
            self.leaks.append(f"{record.name} {record.levelname}: {found} in {text[:300]!r}")


HANDLER = SecretsHandler()


def _without_node_names(text: str) -> str:
    """Celery names each worker `name@host`; with a dotted host name that would read as an email address."""
    for host in {socket.gethostname(), socket.getfqdn()}:
        text = re.sub(rf"[\w.+-]+@{re.escape(host)}\b", "<worker>", text)
    return text


def leaks_in_log_text(text: str) -> list[str]:
    """Every line of another process's log that carries a secret, an email or a card number, with what."""
    leaks = []
    for number, line in enumerate(_without_node_names(text).splitlines(), start=1):
        found = leaks_in(line, HANDLER.secrets)
        if found:
            leaks.append(f"line {number}: {found} in {line[:300]!r}")
    return leaks


def assert_clean_log_file(path: Path | str) -> None:
    """Fail the test if the log file (a Celery worker's, say) carries what the suite's logs must not."""
    leaks = leaks_in_log_text(Path(path).read_text(errors="replace"))
    if leaks:
        pytest.fail(f"secrets or personal data in {Path(path).name}:\n" + "\n".join(leaks), pytrace=False)


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
