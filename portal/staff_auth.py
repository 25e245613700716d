"""Staff sign-in to the admin: a password, then a second factor, never one without the other.

Step 1 checks the password but does not log the person in: it only remembers, in the session and
for a few minutes, who passed it. Step 2 asks for a TOTP code or a single-use backup code and only
then logs in and marks the session as verified. A staff member without a device is sent, from
step 1 only, to the enrolment page, which shows a QR code and confirms the device with a first code.
Every failure (password or code) counts towards the django-axes lockout, per (account, address) pair and
per address, never per account alone: nobody can lock the owner out from another address. An account
that failed STAFF_UNDER_ATTACK_FAILURES times from anywhere within the cool-off is under attack: its
password step then sends every attempt, right or wrong password, on to the code step, so that a password
alone proves nothing and only the right password with the right code signs in.
"""

from __future__ import annotations

import hashlib
import io
import time
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, user_login_failed
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.security import record_event

PENDING_KEY = "staff_2fa_pending"
BACKUP_CODE_COUNT = 10


class PasswordForm(forms.Form):
    username = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
    )


def create_backup_codes(user: AbstractBaseUser, count: int = BACKUP_CODE_COUNT) -> list[str]:
    """Replace the user's backup codes with `count` fresh single-use ones and return them."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def _pending_user(request: HttpRequest) -> Any | None:
    """The staff user who passed the password step moments ago, if any."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.STAFF_2FA_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    if pending.get("user_id") is None:
        return None
    user = get_user_model().objects.filter(pk=pending["user_id"], is_active=True, is_staff=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def _account_key(email: str) -> str:
    return "staff-sign-in-failures:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _count_account_failure(email: str) -> None:
    """One more failure for the account, from whatever address (kept for the axes cool-off)."""
    key = _account_key(email)
    cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME * 3600) or 1)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=int(settings.AXES_COOLOFF_TIME * 3600) or 1)


def under_attack(email: str) -> bool:
    """Has this account failed too often, from any addresses, for its password step to say anything?"""
    return int(cache.get(_account_key(email), 0)) >= settings.STAFF_UNDER_ATTACK_FAILURES


def _to_code_step(request: HttpRequest, user: AbstractBaseUser | None, email: str) -> HttpResponse:
    """Remember who passed (or, for an account under attack, who claimed) the password step."""
    request.session.cycle_key()
    pending: dict[str, Any] = {"user_id": None, "email": email, "at": time.time()}
    step = "admin:login_verify"
    if user is not None:
        pending.update(user_id=user.pk, backend=user.backend)
        step = "admin:login_verify" if user_has_device(user) else "admin:login_enrol"
    request.session[PENDING_KEY] = pending
    return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': _safe_next(request)})}")


def _record_failure(request: HttpRequest, email: str, kind: str = "login_failed") -> None:
    user_login_failed.send(sender=__name__, credentials={"username": email}, request=request)
    _count_account_failure(email)
    user = get_user_model().objects.filter(email__iexact=email).first()
    record_event(kind, request, user=user, username=email, step="staff_sign_in")


def _finish_login(request: HttpRequest, user: AbstractBaseUser, device: Any) -> None:
    request.session.pop(PENDING_KEY, None)
    # rotates the session key; `type: ignore`: the project's user model, which `portal` may not name
    login(request, user, backend=user.backend)  # type: ignore[arg-type]
    otp_login(request, device)


def password_step(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """Step 1: email and password."""
    # is_verified() is added to the user by django_otp.middleware.OTPMiddleware.
    if request.user.is_authenticated and request.user.is_staff and request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_safe_next(request))
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["username"]
        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        attacked = under_attack(email)
        if user is not None and user.is_staff:
            return _to_code_step(request, user, email)
        if user is not None:
            # Right password, but not staff: say nothing more than for a wrong password.
            _record_failure(request, email)
        else:
            _count_account_failure(email)  # django-axes heard of it from authenticate() already
        if attacked:
            # Under attack: a wrong password looks like a right one; only password and code sign in.
            return _to_code_step(request, None, email)
        form.add_error(None, _("Please enter the email and password of a staff account."))
    context = {**(extra_context or {}), "form": form, "title": _("Staff sign-in"), "next": _safe_next(request)}
    return render(request, "portal/staff/password.html", context)


def verify_step(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """Step 2: a TOTP code or a backup code for the user who just gave their password."""
    pending = request.session.get(PENDING_KEY) or {}
    if pending.get("user_id") is None and pending.get("email") and _pending_fresh(pending):
        return _decoy_verify(request, pending["email"], extra_context)
    user = _pending_user(request)
    if user is None:
        return redirect("admin:login")
    if not user_has_device(user):
        return redirect("admin:login_enrol")
    credentials = {"username": user.email}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            _finish_login(request, user, device)
            return redirect(_safe_next(request))
        _record_failure(request, user.email, kind="code_failed")
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        form.add_error("code", _("This code is not valid. Codes can be used only once."))
    return render(
        request,
        "portal/staff/verify.html",
        {**(extra_context or {}), "form": form, "title": _("Second factor"), "next": _safe_next(request)},
    )


def _pending_fresh(pending: dict) -> bool:
    return time.time() - pending.get("at", 0) <= settings.STAFF_2FA_PENDING_SECONDS


def _decoy_verify(request: HttpRequest, email: str, extra_context: dict | None) -> HttpResponse:
    """The code step after a wrong password on an account under attack: the same page, never a sign-in."""
    if not AxesProxyHandler.is_allowed(request, {"username": email}):
        return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _record_failure(request, email, kind="code_failed")
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_KEY, None)
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        form.add_error("code", _("This code is not valid. Codes can be used only once."))
    return render(
        request,
        "portal/staff/verify.html",
        {**(extra_context or {}), "form": form, "title": _("Second factor"), "next": _safe_next(request)},
    )


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def enrol_step(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """First sign-in of a staff member without a device: show a QR code, confirm with a first code."""
    user = _pending_user(request)
    if user is None:
        return redirect("admin:login")
    if user_has_device(user):
        return redirect("admin:login_verify")
    device = next(iter(devices_for_user(user, confirmed=False)), None)
    if not isinstance(device, TOTPDevice):
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = create_backup_codes(user)
            _finish_login(request, user, device)
            return render(
                request,
                "portal/staff/backup_codes.html",
                {**(extra_context or {}), "codes": codes, "title": _("Your backup codes"), "next": _safe_next(request)},
            )
        _record_failure(request, user.email, kind="code_failed")
        form.add_error("code", _("This code is not valid. Check the time on your phone and try again."))
    return render(
        request,
        "portal/staff/enrol.html",
        {
            **(extra_context or {}),
            "form": form,
            "title": _("Set up your authenticator"),
            "qr_svg": _qr_svg(device.config_url),
            "secret": b32encode(device.bin_key).decode(),
            "next": _safe_next(request),
        },
    )
