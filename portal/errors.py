"""The base of every domain's refusals: a stable `code` for programs and a translated `message` for people.

Each app subclasses it once (`MerchantsError`, `OrderError`, `PaymentError`, ...) with its own default code
and message, then once per refusal. Keyword arguments are kept in `params` and fill `%(name)s` places in
the message when it is shown.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    message: Any = _("This is not possible now.")

    def __init__(self, message: Any = None, **params: Any) -> None:
        self.params = params
        if message is not None:
            self.message = message
        super().__init__(str(self.message))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params and "%(" in text else text
