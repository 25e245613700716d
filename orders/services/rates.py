"""Exchange rates: the rate in force for placing an order, and the refresh from a configured source.

The refresh reads one of two shapes:

- ECB (`eurofxref-daily.xml`): `<Cube currency="USD" rate="1.08"/>`, units of each currency per 1 EUR.
- JSON (the shape most rate APIs share): `{"base": "EUR", "rates": {"USD": 1.08, "GBP": 0.864}}`,
  units of each currency per 1 `base`.

SAR is never taken from the source: it is derived through the USD peg (1 USD = 3.75 SAR), so the source
must publish USD (or be based on it). Currencies the source lacks stay with finance staff. Each refresh
adds a row per currency (rates are history), dated when it was fetched. Off unless
EXCHANGE_RATE_SOURCE_URL is set.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from django.conf import settings
from django.utils import timezone

from orders.errors import NoRate, StaleRate
from orders.models import FIXED_RATES, ExchangeRate

__all__ = ["Rate", "RateSourceError", "parse_rates", "rate_in_force", "refresh_rates"]

logger = logging.getLogger(__name__)
USD_PEG = Decimal("3.75")
MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Rate:
    currency: str
    rate_to_sar: Decimal
    source: str
    effective_at: datetime


def rate_in_force(*, currency: str, at: datetime | None = None) -> Rate:
    """The rate of `currency` in force at `at`; refuses a missing or stale one."""
    at = at or timezone.now()
    row = ExchangeRate.objects.filter(currency=currency, effective_at__lte=at).order_by("-effective_at").first()
    if row is None:
        raise NoRate
    max_age = timedelta(hours=settings.EXCHANGE_RATE_MAX_AGE_HOURS)
    if row.currency not in FIXED_RATES and at - row.effective_at > max_age:
        raise StaleRate
    return Rate(row.currency, row.rate_to_sar, row.source, row.effective_at)


class RateSourceError(Exception):
    code = "rate_source_error"


def _ecb_rates(document: bytes) -> dict[str, Decimal]:
    rates = {"EUR": Decimal(1)}
    for element in ElementTree.fromstring(document).iter():  # noqa: S314 - a configured, trusted source
        if element.tag.endswith("Cube") and "currency" in element.attrib:
            rates[element.attrib["currency"].upper()] = Decimal(element.attrib["rate"])
    return rates


def _json_rates(document: bytes) -> dict[str, Decimal]:
    data = json.loads(document)
    base = str(data.get("base") or data.get("base_code") or "").upper()
    if not base or not isinstance(data.get("rates"), dict):
        raise RateSourceError("a JSON source needs a base currency and a rates object")
    rates = {str(currency).upper(): Decimal(str(value)) for currency, value in data["rates"].items()}
    rates[base] = Decimal(1)
    return rates


def parse_rates(document: bytes) -> dict[str, Decimal]:
    """{currency: units per 1 unit of the source's base} from an ECB XML or a JSON document."""
    try:
        rates = _json_rates(document) if document.lstrip().startswith(b"{") else _ecb_rates(document)
    except (ValueError, InvalidOperation, ElementTree.ParseError) as exc:
        raise RateSourceError(f"the source could not be read: {exc.__class__.__name__}") from exc
    if rates.get("USD", Decimal(0)) <= 0:
        raise RateSourceError("the source has no USD rate, so SAR cannot be derived")
    if any(value <= 0 for value in rates.values()):
        raise RateSourceError("the source has a rate that is zero or negative")
    return rates


def refresh_rates() -> list[ExchangeRate]:
    """Fetch the configured source and add a rate row for each configured currency it covers."""
    url = settings.EXCHANGE_RATE_SOURCE_URL
    if not url:
        return []
    if not url.startswith(("https://", "http://")):
        raise RateSourceError("EXCHANGE_RATE_SOURCE_URL must be an http(s) URL")
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - scheme checked above
        document = response.read(MAX_BYTES)
    per_base = parse_rates(document)
    source = _source_name(url, is_json=document.lstrip().startswith(b"{"))
    sar_per_base = per_base["USD"] * USD_PEG
    now, rows = timezone.now(), []
    for currency in settings.EXCHANGE_RATE_CURRENCIES:
        if currency in per_base and currency not in {"SAR", "USD"}:
            rate = (sar_per_base / per_base[currency]).quantize(Decimal("0.00000001"))
            rows.append(ExchangeRate(currency=currency, rate_to_sar=rate, source=source, effective_at=now))
    ExchangeRate.objects.bulk_create(rows)
    logger.info("exchange rates refreshed", extra={"currencies": [r.currency for r in rows]})
    return rows


def _source_name(url: str, *, is_json: bool) -> str:
    """What an auditor needs to find the figure again: "ECB" for its reference rates, else the host."""
    return (urllib.parse.urlsplit(url).hostname or "json")[:64] if is_json else "ECB"
