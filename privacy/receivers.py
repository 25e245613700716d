"""Receivers of third-party signals (Django auth, allauth, django-axes, Celery) that feed security monitoring."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_confirmed
from allauth.mfa.signals import authentication_failed
from axes.signals import user_locked_out
from celery.signals import task_failure
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.signals import setting_changed
from django.http import HttpRequest
from encrypted_model_fields import fields

from audit.security import Kind, note_login, record_event
from merchants.models import User
from privacy import security
from privacy.services import profile


def _account(username: str) -> Any:
    return get_user_model().objects.filter(email__iexact=username).first() if username else None


def on_login_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """A wrong password (the staff sign-in records its own failures, with their kind)."""
    if sender == "portal.staff_auth":
        return
    username = str(credentials.get("username") or credentials.get("email") or credentials.get("login") or "")
    record_event(Kind.LOGIN_FAILED, request, user=_account(username), username=username)


def on_locked_out(sender: Any, request: HttpRequest | None = None, username: str = "", **kwargs: Any) -> None:
    """django-axes locked an account or address out."""
    record_event(
        Kind.LOCKED_OUT,
        request,
        user=_account(username or ""),
        username=username or "",
        ip_address=kwargs.get("ip_address"),
    )


def on_logged_in(sender: Any, request: HttpRequest | None = None, user: User | None = None, **kwargs: Any) -> None:
    """A sign-in: recorded, and compared with the addresses and browsers seen before."""
    if user is not None and user.pk:
        note_login(request, user)


def on_mfa_failed(
    sender: Any, request: HttpRequest | None = None, user: User | None = None, authenticator: Any = None, **kwargs: Any
) -> None:
    """A member's wrong second-factor code (allauth MFA: an authenticator app or a recovery code), at sign-in or
    when asked to confirm it is them: a code failure, counted for the burst alert like a staff code."""
    record_event(
        Kind.CODE_FAILED,
        request,
        user=user,
        username=getattr(user, "email", "") or "",
        step="member_reauthentication" if kwargs.get("reauthentication") else "member_sign_in",
        authenticator=getattr(authenticator, "type", ""),
    )


def on_email_confirmed(
    sender: Any, request: HttpRequest | None = None, email_address: Any = None, **kwargs: Any
) -> None:
    """allauth confirmed an address: finish an email change requested in the privacy centre."""
    if email_address is not None:
        profile.on_email_confirmed(request=request, email_address=email_address)


def on_task_failure(sender: Any = None, task_id: str | None = None, exception: Any = None, **kwargs: Any) -> None:
    """A Celery task failed for good (retries are not failures): if beat schedules it (the nightly backup and
    purge, the rate and tracking refreshes...), the security role hears of it by email."""
    name = getattr(sender, "name", "") or ""
    headers = getattr(getattr(sender, "request", None), "headers", None) or {}
    if not (headers.get("periodic_task_name") or security.is_scheduled_job(name)):
        return
    security.alert_job_failed(task_name=name, task_id=task_id or "", error=type(exception).__name__)


def on_setting_changed(sender: Any, setting: str = "", **kwargs: Any) -> None:
    """django-encrypted-model-fields reads its keys once at import: follow a change (tests, rotation)."""
    if setting == "FIELD_ENCRYPTION_KEY":
        fields.CRYPTER = fields.get_crypter()


def connect() -> None:
    user_login_failed.connect(on_login_failed, dispatch_uid="privacy.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="privacy.locked_out")
    user_logged_in.connect(on_logged_in, dispatch_uid="privacy.logged_in")
    email_confirmed.connect(on_email_confirmed, dispatch_uid="privacy.email_confirmed")
    authentication_failed.connect(on_mfa_failed, dispatch_uid="privacy.mfa_failed")
    setting_changed.connect(on_setting_changed, dispatch_uid="privacy.field_keys")
    task_failure.connect(on_task_failure, dispatch_uid="privacy.task_failure", weak=False)
