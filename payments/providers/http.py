"""A small JSON client for the Saudi providers' APIs: timeouts, and errors sorted into retry-able or not."""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings

from payments.errors import ProviderRejected, ProviderUnavailable

logger = logging.getLogger(__name__)


def call(
    method: str,
    url: str,
    *,
    provider: str,
    json: Any = None,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """One request; a dict of the JSON answer, `ProviderUnavailable` (network, 5xx, 429) or `ProviderRejected` (4xx)."""
    try:
        response = requests.request(
            method,
            url,
            json=json,
            headers={"Accept": "application/json", **(headers or {})},
            auth=auth,
            timeout=settings.PAYMENT_PROVIDER_TIMEOUT,
        )
    except requests.RequestException as exc:
        logger.warning("payment provider unreachable", extra={"provider": provider, "error": type(exc).__name__})
        raise ProviderUnavailable from exc
    if response.status_code >= 500 or response.status_code == 429:
        logger.warning("payment provider error", extra={"provider": provider, "status": response.status_code})
        raise ProviderUnavailable
    try:
        data = response.json() if response.content else {}
    except ValueError as exc:
        raise ProviderUnavailable from exc
    if response.status_code >= 400:
        logger.info("payment provider refused", extra={"provider": provider, "status": response.status_code})
        raise ProviderRejected(provider_status=response.status_code, provider_answer=_short(data))
    return data if isinstance(data, dict) else {"data": data}


def _short(data: Any) -> str:
    """The provider's own error words, for staff (never shown to merchants raw)."""
    if isinstance(data, dict):
        for key in ("message", "error", "errors", "description"):
            if data.get(key):
                return str(data[key])[:200]
    return str(data)[:200]
