"""The privacy domain's nightly jobs, frozen here: the backup and the retention purge, daily in the store's
time zone (CELERY_TIMEZONE). Idempotent; staff edits to existing jobs are left alone. The test suite runs
`seed` again after a flush."""

from django.conf import settings
from django.db import migrations

#: name -> (task, hour, minute), local time
NIGHTLY = {
    "Nightly backup": ("privacy.tasks.nightly_backup", 2, 30),
    "Purge expired personal data": ("privacy.tasks.purge_expired", 3, 15),
}


def seed(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, hour, minute) in NIGHTLY.items():
        schedule, _created = Crontab.objects.get_or_create(
            minute=str(minute),
            hour=str(hour),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.CELERY_TIMEZONE,
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": schedule})


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
