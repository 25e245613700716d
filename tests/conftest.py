"""Suite-wide fixtures and the rules for tests that need real services or a browser.

`@pytest.mark.services` tests need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): without them
they are skipped with the reason, and with REQUIRE_SERVICES=1 (as in .ci/run) they fail instead.
`@pytest.mark.browser` tests need Debian's Chromium, under the same rule.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

# Suite-wide: a test whose log lines carry a password, session id, backup code, email or card number fails.
from tests.privacy.log_guard import _no_secrets_in_logs, _secrets_handler  # noqa: F401

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"


def _postgres_missing() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    return None


def _redis_missing() -> str | None:
    if not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://..."
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"needs Redis at {settings.REDIS_URL}: {exc}"
    return None


def _chromium_missing() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"needs Chromium at {CHROMIUM} (make system-deps)"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reasons: list[str] = []
    marker = item.get_closest_marker("services")
    if marker is not None:
        needs = marker.kwargs.get("needs", ("postgres", "redis"))
        if "postgres" in needs:
            reasons.append(_postgres_missing() or "")
        if "redis" in needs:
            reasons.append(_redis_missing() or "")
    if item.get_closest_marker("browser") is not None:
        reasons.append(_chromium_missing() or "")
    reasons = [r for r in reasons if r]
    if reasons:
        message = "; ".join(reasons)
        if REQUIRE_SERVICES:  # CI: a missing service is a failure, never a silent skip
            pytest.fail(f"REQUIRE_SERVICES=1 but {message}", pytrace=False)
        # Zero-setup `make test` (SQLite, filesystem broker): a test that needs a real service says which.
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast password hashing, private files in a temporary folder, emails kept in memory, and a cache of
    the test's own (rate limits of one test must not leak into the next, nor across xdist workers).
    Tests of the Redis cache itself set CACHES back to Redis."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _reference_data(request, _django_db_marker):
    """Reference rows that migrations create (rates, the minimum policy, schedules) are back in place even
    after a transactional test on the same worker flushed the database."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from tests.reference_data import ensure_reference_data

    ensure_reference_data()


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """In-process tests run tasks eagerly; tests of real workers start their own processes."""
    from portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _celery_join_flag():
    """Celery marks "inside a task" in one global flag that an eager task sets and restores around itself.
    Eager tasks run from several threads at once (the concurrency tests) can restore it in the wrong order
    and leave it set, after which any `result.get()` in this process refuses to wait. Reset it per test."""
    yield
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture
def staff_client(client):
    """`staff_client("reviewer")`: the test client signed in as staff with that role, second factor verified.

    Signs in through the session as the real two-step login leaves it (user + verified OTP device),
    so admin pages behave as for a real staff member; the login flow itself is tested separately.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.staff import create_staff_member

    def sign_in(*roles: str, email: str | None = None):
        creds = create_staff_member(email=email or f"{'-'.join(roles)}@store.test", roles=list(roles))
        user = get_user_model().objects.get(email=creds.email)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
        client.staff_user = user
        return client

    return sign_in


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download needed)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test."""
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
