"""Staff sign-in to the admin: a password, then a second factor, never one without the other.

Step 1 checks the password but does not log the person in: it only remembers, in the session and
for a few minutes, who passed it. Step 2 asks for a TOTP code or a single-use backup code and only
then logs in and marks the session as verified. A staff member without a device is sent, from
step 1 only, to the enrolment page, which shows a QR code and confirms the device with a first code.
Every failure (password or code) counts towards the django-axes lockout, per account and per address.
"""

from __future__ import annotations

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
    user = get_user_model().objects.filter(pk=pending["user_id"], is_active=True, is_staff=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def _record_failure(request: HttpRequest, email: str, kind: str = "login_failed") -> None:
    user_login_failed.send(sender=__name__, credentials={"username": email}, request=request)
    user = get_user_model().objects.filter(email__iexact=email).first()
    record_event(kind, request, user=user, username=email, step="staff_sign_in")


def _finish_login(request: HttpRequest, user: Any, device: Any) -> None:
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=user.backend)  # rotates the session key
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
        if user is not None and user.is_staff:
            request.session.cycle_key()
            request.session[PENDING_KEY] = {"user_id": user.pk, "backend": user.backend, "at": time.time()}
            step = "admin:login_verify" if user_has_device(user) else "admin:login_enrol"
            return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': _safe_next(request)})}")
        if user is not None:
            # Right password, but not staff: say nothing more than for a wrong password.
            _record_failure(request, email)
        form.add_error(None, _("Please enter the email and password of a staff account."))
    context = {**(extra_context or {}), "form": form, "title": _("Staff sign-in"), "next": _safe_next(request)}
    return render(request, "portal/staff/password.html", context)


def verify_step(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """Step 2: a TOTP code or a backup code for the user who just gave their password."""
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
