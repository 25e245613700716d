"""Receivers of third-party signals (Django auth, django-axes) that feed security monitoring."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from privacy.security import Kind, note_login, record_event


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


def on_logged_in(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    """A sign-in: recorded, and compared with the addresses and browsers seen before."""
    if user is not None and user.pk:
        note_login(request, user)


def on_email_confirmed(
    sender: Any, request: HttpRequest | None = None, email_address: Any = None, **kwargs: Any
) -> None:
    """allauth confirmed an address: finish an email change requested in the privacy centre."""
    from privacy.services.profile import on_email_confirmed as finish

    if email_address is not None:
        finish(request=request, email_address=email_address)


def on_setting_changed(sender: Any, setting: str = "", **kwargs: Any) -> None:
    """django-encrypted-model-fields reads its keys once at import: follow a change (tests, rotation)."""
    if setting == "FIELD_ENCRYPTION_KEY":
        from encrypted_model_fields import fields

        fields.CRYPTER = fields.get_crypter()


def connect() -> None:
    from allauth.account.signals import email_confirmed
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_login_failed
    from django.core.signals import setting_changed

    user_login_failed.connect(on_login_failed, dispatch_uid="privacy.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="privacy.locked_out")
    user_logged_in.connect(on_logged_in, dispatch_uid="privacy.logged_in")
    email_confirmed.connect(on_email_confirmed, dispatch_uid="privacy.email_confirmed")
    setting_changed.connect(on_setting_changed, dispatch_uid="privacy.field_keys")
