"""Schedule the sweep of unprocessed provider events, give Klarna a maximum in each of its currencies, and give
existing refunds the idempotency key they were already sent with."""

from django.db import migrations
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat


def forward(apps, schema_editor):
    from payments.reference import ensure_event_sweep, ensure_klarna_limits

    ensure_event_sweep(apps)
    ensure_klarna_limits(apps)
    Refund = apps.get_model("payments", "Refund")
    Refund.objects.filter(idempotency_key="").update(
        idempotency_key=Concat(Value("refund-"), Cast("pk", output_field=CharField()))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_audit_ip_refund_key"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
