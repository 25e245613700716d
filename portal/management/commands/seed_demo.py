"""`python manage.py seed_demo`: demo data for `make run`; idempotent (run twice, same data).

A command sits above the apps, so it may call each one's `demo.seed()`.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import merchants.demo
import orders.demo
import privacy.demo
import shipping.demo
from orders.models import Product
from portal.demo import seed_staff


class Command(BaseCommand):
    help = (
        "Load demo data (catalogue, staff per role, two approved merchants, policies, a white-label order) and"
        " print the demo logins."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo is refused when DJANGO_ENV=production: it creates staff and merchant logins whose "
                "passwords and second factors are published. Create staff with `manage.py createstaff`."
            )
        with transaction.atomic():
            staff = seed_staff()
            orders.demo.seed()
            members = merchants.demo.seed()
            privacy.demo.seed()
            white_label = shipping.demo.seed()
        products = Product.objects.filter(is_active=True).count()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {products} products, {len(members)} merchant members."))
        self.stdout.write("\nStaff admin: http://127.0.0.1:8000/admin/ (password, then a TOTP or backup code)")
        for role, creds in staff:
            self.stdout.write(f"  {role:<10} {creds.email}  password: {creds.password}")
            self.stdout.write(f"             TOTP: {creds.otpauth_uri}")
            self.stdout.write(f"             backup codes: {' '.join(creds.backup_codes)}")
        self.stdout.write("\nMerchant portal: http://127.0.0.1:8000/accounts/login/")
        for email, code, role in members:
            self.stdout.write(f"  {email:<18} {code} ({role})  password: {merchants.demo.DEMO_PASSWORD}")
        if white_label is not None:
            self.stdout.write(
                f"\nWhite-label order {white_label.reference} ({white_label.merchant.code}, three consignees) awaits"
                " payment: pay it by bank transfer as owner@sa.demo, reconcile it as finance@staff.demo, and"
                " its shipments start."
            )
