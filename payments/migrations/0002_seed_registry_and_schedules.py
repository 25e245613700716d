"""Seed the eligibility registry from PAYMENTS.md (the providers' published rules), and schedule the
bank-transfer reminder and expiry jobs."""

from django.db import migrations


def seed(apps, schema_editor):
    from payments.reference import ensure_reference_data

    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
