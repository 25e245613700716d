"""Reference data the orders domain cannot work without: the base and pegged rates, the default
minimum policy, Saudi VAT, and the scheduled rate refresh. Created by migrations; `ensure_reference_data`
is idempotent and takes an apps registry, so a migration and a flushed test database can both use it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps as global_apps

from portal.schedules import ensure_interval_tasks

SINCE = datetime(2020, 1, 1, tzinfo=UTC)


def ensure_reference_data(apps: Any = global_apps) -> None:
    """Create what is missing of the orders' reference data; leave the rest alone."""
    ExchangeRate = apps.get_model("orders", "ExchangeRate")
    # The riyal is the base; it is pegged to the dollar at 3.75 (Saudi Central Bank).
    for currency, rate, source in (("SAR", Decimal(1), "base"), ("USD", Decimal("3.75"), "peg")):
        if not ExchangeRate.objects.filter(currency=currency, source=source).exists():
            ExchangeRate.objects.create(currency=currency, rate_to_sar=rate, source=source, effective_at=SINCE)
    MinimumOrderPolicy = apps.get_model("orders", "MinimumOrderPolicy")
    if not MinimumOrderPolicy.objects.exists():
        MinimumOrderPolicy.objects.create(
            first_order_minimum=Decimal("5000.00"), repeat_order_minimum=Decimal("2000.00"), effective_from=SINCE
        )
    VatRate = apps.get_model("orders", "VatRate")
    if not VatRate.objects.filter(country="SA").exists():
        VatRate.objects.create(country="SA", rate=Decimal("0.15"), effective_from=SINCE)
    ensure_interval_tasks(apps, {"Refresh exchange rates": ("orders.tasks.refresh_exchange_rates", 6)}, period="hours")
