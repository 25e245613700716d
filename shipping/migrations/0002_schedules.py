"""Shipping's scheduled jobs, frozen here: the tracking pull and the stalled-shipment sweep. Idempotent;
staff edits to existing jobs are left alone. The test suite runs `seed` again after a flush."""

from django.db import migrations

#: name -> (task, every N minutes)
EVERY_MINUTES = {
    "Pull shipment tracking": ("shipping.tasks.pull_tracking", 30),
    "Requeue stalled shipments": ("shipping.tasks.requeue_stalled_shipments", 10),
}


def seed(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, every) in EVERY_MINUTES.items():
        interval, _created = Interval.objects.get_or_create(every=every, period="minutes")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


class Migration(migrations.Migration):
    dependencies = [
        ("shipping", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
