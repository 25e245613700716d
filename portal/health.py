"""Health of the services the portal depends on: database, broker, cache."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection

from portal.celery import app

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _cache() -> None:
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, timeout=5)
    if cache.get(key) != value:
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


CHECKS = {"database": _database, "broker": _broker, "cache": _cache}


def check_health() -> dict[str, str]:
    """Run every check; each is "ok" or "error". `status` is "ok" only when all are."""
    report: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure is a degraded service, reported not raised
            logger.warning("health check failed", extra={"check": name, "error": type(exc).__name__})
            report[name] = "error"
        else:
            report[name] = "ok"
    report["status"] = "ok" if all(v == "ok" for v in report.values()) else "degraded"
    return report
