"""The audit trail's personal data (the disclosure ledger, security events, known devices, the staff access
log), declared for the privacy features."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Disclosure, KnownDevice, SecurityEvent, StaffAccess
from audit.registry import PersonalData, blank_fields, delete_row, keep_row, register

#: how long security events, known devices (and, twice as long, the staff access log) are kept
SECURITY_LOG_DAYS = 365


def _ago(days: int) -> Any:
    return timezone.now() - timedelta(days=days)


register(
    PersonalData(
        model=Disclosure,
        rows_of=lambda person: Disclosure.objects.filter(user=person),
        export_fields=("recipient", "recipient_name", "categories", "order", "purpose", "at"),
        erase=keep_row,
        retained_fields=("recipient", "recipient_name", "categories", "order", "purpose", "at"),
        purpose=_("Accounting for every time your data went to a payment provider, carrier or email service."),
    )
)

register(
    PersonalData(
        model=SecurityEvent,
        rows_of=lambda person: SecurityEvent.objects.filter(user=person),
        export_fields=("kind", "ip_address", "user_agent", "at"),
        erase=blank_fields("ip_address", "user_agent", "username_hash"),
        retained_fields=("kind", "at"),
        retention=timedelta(days=SECURITY_LOG_DAYS),
        expired=lambda: SecurityEvent.objects.filter(at__lt=_ago(SECURITY_LOG_DAYS)),
        purpose=_("Protecting your account: sign-ins, failures and other security events."),
    )
)

register(
    PersonalData(
        model=KnownDevice,
        rows_of=lambda person: KnownDevice.objects.filter(user=person),
        export_fields=("first_seen_at", "last_seen_at"),
        erase=delete_row,
        retention=timedelta(days=SECURITY_LOG_DAYS),
        expired=lambda: KnownDevice.objects.filter(last_seen_at__lt=_ago(SECURITY_LOG_DAYS)),
        purpose=_("Telling you when your account is used from a new address or browser."),
    )
)

register(
    PersonalData(
        model=StaffAccess,
        rows_of=lambda person: StaffAccess.objects.filter(staff=person),
        export_fields=("model", "object_id", "action", "unmasked", "at"),
        erase=blank_fields("ip_address"),
        retained_fields=("model", "object_id", "action", "unmasked", "at"),
        retention=timedelta(days=2 * SECURITY_LOG_DAYS),
        expired=lambda: StaffAccess.objects.filter(at__lt=_ago(2 * SECURITY_LOG_DAYS)),
        purpose=_("Accountability of staff who look at personal data."),
    )
)
