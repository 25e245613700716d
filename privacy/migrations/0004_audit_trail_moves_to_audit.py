# The disclosure ledger, the staff access log, security events and known devices move to the audit app
# (audit/migrations/0001_initial.py); the portal is not released, so their rows are not carried over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_alter_securityalert_rule"),
    ]

    operations = [
        migrations.DeleteModel(name="Disclosure"),
        migrations.DeleteModel(name="KnownDevice"),
        migrations.DeleteModel(name="SecurityEvent"),
        migrations.DeleteModel(name="StaffAccess"),
    ]
