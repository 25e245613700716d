"""The orders domain's reference data, frozen here: the base and pegged rates, the default minimum policy,
Saudi VAT, and the scheduled rate refresh. Idempotent: it creates what is missing and leaves the rest. The
test suite runs `seed` again after a transactional test flushed the database (tests/reference_data.py)."""

from datetime import UTC, datetime
from decimal import Decimal

from django.db import migrations

SINCE = datetime(2020, 1, 1, tzinfo=UTC)
#: The riyal is the base; it is pegged to the dollar at 3.75 (Saudi Central Bank).
RATES = (("SAR", Decimal(1), "base"), ("USD", Decimal("3.75"), "peg"))
#: name -> (task, every N, period)
JOBS = {"Refresh exchange rates": ("orders.tasks.refresh_exchange_rates", 6, "hours")}


def seed(apps, schema_editor):
    ExchangeRate = apps.get_model("orders", "ExchangeRate")
    for currency, rate, source in RATES:
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
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, every, period) in JOBS.items():
        interval, _created = Interval.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
