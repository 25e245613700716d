"""Exchange rates from a configured source (ECB reference rates: XML, one EUR in each currency).

The ECB publishes neither SAR nor MAD: SAR is derived through the USD peg (1 USD = 3.75 SAR), and
currencies the ECB lacks stay with finance staff. Off unless EXCHANGE_RATE_SOURCE_URL is set.
"""

from __future__ import annotations

import logging
import urllib.request
from decimal import Decimal
from xml.etree import ElementTree

from django.conf import settings
from django.utils import timezone

from orders.models import ExchangeRate

__all__ = ["RateSourceError", "refresh_rates"]

logger = logging.getLogger(__name__)
USD_PEG = Decimal("3.75")


class RateSourceError(Exception):
    code = "rate_source_error"


def _ecb_rates(xml: bytes) -> dict[str, Decimal]:
    """{currency: units per 1 EUR} from an ECB eurofxref document."""
    rates = {"EUR": Decimal(1)}
    for element in ElementTree.fromstring(xml).iter():  # noqa: S314 - a configured, trusted source
        if element.tag.endswith("Cube") and "currency" in element.attrib:
            rates[element.attrib["currency"]] = Decimal(element.attrib["rate"])
    if "USD" not in rates:
        raise RateSourceError("the source has no USD rate, so SAR cannot be derived")
    return rates


def refresh_rates() -> list[ExchangeRate]:
    """Fetch the configured source and add a rate row for each configured currency it covers."""
    url = settings.EXCHANGE_RATE_SOURCE_URL
    if not url:
        return []
    if not url.startswith(("https://", "http://")):
        raise RateSourceError("EXCHANGE_RATE_SOURCE_URL must be an http(s) URL")
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - scheme checked above
        per_eur = _ecb_rates(response.read())
    sar_per_eur = per_eur["USD"] * USD_PEG
    now, rows = timezone.now(), []
    for currency in settings.EXCHANGE_RATE_CURRENCIES:
        if currency in per_eur and currency not in {"SAR", "USD"}:
            rate = (sar_per_eur / per_eur[currency]).quantize(Decimal("0.00000001"))
            rows.append(ExchangeRate(currency=currency, rate_to_sar=rate, source="ECB", effective_at=now))
    ExchangeRate.objects.bulk_create(rows)
    logger.info("exchange rates refreshed", extra={"currencies": [r.currency for r in rows]})
    return rows
