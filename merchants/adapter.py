"""How django-allauth creates merchant accounts: in the language the person signed up in."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import translation

from portal.http import client_ip


def supported_language(code: str | None) -> str:
    """One of our languages for a language code such as `fr-ca`, else the default."""
    codes = {code for code, _name in settings.LANGUAGES}
    base = (code or "").split("-")[0].lower()
    return base if base in codes else settings.LANGUAGE_CODE


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, with the new user's language taken from the page they signed up on, the client's
    address from the one rule every limiter uses, and failed sign-ins counted per (email, address)."""

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's rate limits and session records: the address the nearest trusted proxy saw.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth's per-"key" login_failed limit keys on the email alone: anyone could then block any
        # merchant's sign-in. Keyed on the pair, each address only ever uses up its own attempts.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request) or ''}"

    def new_user(self, request: HttpRequest) -> Any:
        user = super().new_user(request)
        # Emails about the application and the account are later sent in this language.
        user.language = supported_language(translation.get_language())
        return user
