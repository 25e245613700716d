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
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Fast password hashing, private files in a temporary folder, emails kept in memory."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """In-process tests run tasks eagerly; tests of real workers start their own processes."""
    from portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False
