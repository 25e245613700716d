"""How django-allauth creates merchant accounts: in the language the person signed up in."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def supported_language(code: str | None) -> str:
    """One of our languages for a language code such as `fr-ca`, else the default."""
    codes = {code for code, _name in settings.LANGUAGES}
    base = (code or "").split("-")[0].lower()
    return base if base in codes else settings.LANGUAGE_CODE


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, with the new user's language taken from the page they signed up on."""

    def new_user(self, request: HttpRequest) -> Any:
        user = super().new_user(request)
        # Emails about the application and the account are later sent in this language.
        user.language = supported_language(translation.get_language())
        return user
