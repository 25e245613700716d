"""Personal data held by the privacy app itself and by the third-party apps it looks after (sign-in,
second factors, sessions, lockouts, the admin's history), declared for the privacy features."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.personal_data import SECURITY_LOG_DAYS
from audit.registry import PersonalData, blank_fields, delete_row, keep_row, register
from privacy.models import (
    ConsentChange,
    DataExport,
    ErasureRequest,
    PolicyAcceptance,
    SecurityAlert,
)
from privacy.services.exports import expire

SIGN_IN_LOG_DAYS = 90


def _ago(days: int) -> Any:
    return timezone.now() - timedelta(days=days)


register(
    PersonalData(
        model=ConsentChange,
        rows_of=lambda person: ConsentChange.objects.filter(user=person),
        export_fields=("purpose", "granted", "source", "at"),
        erase=delete_row,
        purpose=_("Knowing what you agreed to receive, and since when."),
    )
)

register(
    PersonalData(
        model=PolicyAcceptance,
        rows_of=lambda person: PolicyAcceptance.objects.filter(user=person).select_related("version"),
        export_fields=("version", "method", "at"),
        erase=keep_row,
        retained_fields=("version", "method", "at"),
        purpose=_("Proof of the terms our business relationship was under."),
    )
)


def _erase_export(export: DataExport) -> None:
    expire(export)
    export.delete()


def _expire_export(export: DataExport) -> None:
    expire(export)


register(
    PersonalData(
        model=DataExport,
        rows_of=lambda person: DataExport.objects.filter(user=person),
        export_fields=("status", "requested_at", "ready_at", "expires_at", "download_count"),
        erase=_erase_export,
        retention=timedelta(hours=0),
        expired=lambda: DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lt=timezone.now()),
        on_expiry=_expire_export,
        purpose=_("Preparing the copy of your data that you asked for."),
    )
)

register(
    PersonalData(
        model=ErasureRequest,
        rows_of=lambda person: ErasureRequest.objects.filter(user=person),
        export_fields=("status", "reason", "requested_at", "decided_at", "decision_note"),
        erase=blank_fields("reason", "report_to"),
        retained_fields=("status", "requested_at", "decided_at", "decision_note"),
        withheld_fields=("report_to",),  # the member's own address, held only until the decision is emailed
        personal_fields=("report_to",),
        purpose=_("Handling your request to erase your account, and proving it was done."),
    )
)

register(
    PersonalData(
        model=SecurityAlert,
        # Alerts name addresses, not people, except a staff sign-in from a new address (subject "user:<id>").
        rows_of=lambda person: SecurityAlert.objects.filter(subject=f"user:{person.pk}"),
        export_fields=("rule", "message", "at"),
        erase=delete_row,
        retention=timedelta(days=SECURITY_LOG_DAYS),
        expired=lambda: SecurityAlert.objects.filter(at__lt=_ago(SECURITY_LOG_DAYS)),
        purpose=_("Alerts to our security team about suspicious activity, which name the addresses involved."),
        personal_fields=("message", "details"),
    )
)

# Sign-in (django-allauth): email addresses and second factors.
register(
    PersonalData(
        model=EmailAddress,
        rows_of=lambda person: EmailAddress.objects.filter(user=person),
        export_fields=("email", "verified", "primary"),
        erase=delete_row,
        purpose=_("Signing you in and writing to you."),
        personal_fields=("email",),
    )
)

register(
    PersonalData(
        model=Authenticator,
        rows_of=lambda person: Authenticator.objects.filter(user=person),
        export_fields=("type", "created_at", "last_used_at"),
        withheld_fields=("data",),
        erase=delete_row,
        purpose=_("Your second factor; its secret is never exported."),
        personal_fields=("data",),
    )
)


def _rows_by_user(model: Any) -> Callable[[Any], QuerySet]:
    def rows_of(person: Any) -> QuerySet:
        return model.objects.filter(user=person)

    return rows_of


def _rows_by_username(model: Any) -> Callable[[Any], QuerySet]:
    def rows_of(person: Any) -> QuerySet:
        return model.objects.filter(username__iexact=person.email)

    return rows_of


def _old_attempts(model: Any) -> Callable[[], QuerySet]:
    def expired() -> QuerySet:
        return model.objects.filter(attempt_time__lt=_ago(SIGN_IN_LOG_DAYS))

    return expired


for device_model in (TOTPDevice, StaticDevice):
    register(
        PersonalData(
            model=device_model,
            rows_of=_rows_by_user(device_model),
            export_fields=("name", "confirmed"),
            erase=delete_row,
            purpose=_("Staff second factor; its secret is never exported."),
        )
    )


def _sessions_of(person: Any) -> Any:
    """The live sessions of a person (a session stores its user id inside its encoded data)."""
    ids = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk)
    ]
    return Session.objects.filter(pk__in=ids)


register(
    PersonalData(
        model=Session,
        rows_of=_sessions_of,
        export_fields=("expire_date",),
        erase=delete_row,
        retention=timedelta(0),
        expired=lambda: Session.objects.filter(expire_date__lt=timezone.now()),
        purpose=_("Keeping you signed in."),
    )
)

# Lockouts and sign-in history (django-axes): the name that was typed, the address and browser.
for access_model in (AccessAttempt, AccessFailureLog, AccessLog):
    register(
        PersonalData(
            model=access_model,
            rows_of=_rows_by_username(access_model),
            export_fields=("ip_address", "user_agent", "attempt_time"),
            erase=delete_row,
            retention=timedelta(days=SIGN_IN_LOG_DAYS),
            expired=_old_attempts(access_model),
            purpose=_("Stopping password guessing against your account."),
            personal_fields=("username", "ip_address", "user_agent"),
        )
    )


#: what stands in the admin's history for an erased member's email
ERASED_EMAIL = "[erased]"
EMAIL_PATTERN = re.compile(r"[^\s\"'<>()\[\],;:@]+@[^\s\"'<>()\[\],;:@]+\.[^\s\"'<>()\[\],;:@]+")


def _log_entries_about(person: Any) -> Any:
    """Staff changes to the person's account, and to any record whose name or message shows their email (a
    membership is named "<email> @ <company> (<role>)", an invitation by its address)."""
    content_type = ContentType.objects.get_for_model(get_user_model())
    about = Q(content_type=content_type, object_id=str(person.pk))
    if person.email:
        about |= Q(object_repr__icontains=person.email) | Q(change_message__icontains=person.email)
    return LogEntry.objects.filter(about)


def _scrub_log_entry(entry: LogEntry) -> None:
    """Replace every email in the entry's name and message by a placeholder (the rest of the history stays)."""
    entry.object_repr = EMAIL_PATTERN.sub(ERASED_EMAIL, entry.object_repr)
    entry.change_message = EMAIL_PATTERN.sub(ERASED_EMAIL, entry.change_message)
    entry.save(update_fields=["object_repr", "change_message"])


register(
    PersonalData(
        model=LogEntry,
        rows_of=_log_entries_about,
        export_fields=("action_time", "action_flag", "object_repr", "change_message"),
        erase=_scrub_log_entry,
        retained_fields=("action_time", "action_flag", "user"),
        purpose=_("The history of staff changes to your account."),
    )
)
