from datetime import UTC, datetime
from decimal import Decimal

from django.db import migrations

SINCE = datetime(2020, 1, 1, tzinfo=UTC)


def seed(apps, schema_editor):
    apps.get_model("orders", "ExchangeRate").objects.bulk_create([
        apps.get_model("orders", "ExchangeRate")(currency="SAR", rate_to_sar=Decimal(1), source="base", effective_at=SINCE),
        # The riyal is pegged to the dollar at 3.75 (Saudi Central Bank).
        apps.get_model("orders", "ExchangeRate")(currency="USD", rate_to_sar=Decimal("3.75"), source="peg", effective_at=SINCE),
    ])
    apps.get_model("orders", "MinimumOrderPolicy").objects.create(
        first_order_minimum=Decimal("5000.00"), repeat_order_minimum=Decimal("2000.00"), effective_from=SINCE
    )
    apps.get_model("orders", "VatRate").objects.create(country="SA", rate=Decimal("0.15"), effective_from=SINCE)


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_rates_minimums_orders")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
