"""Provider adapters behind one small interface (see `base.py`)."""

from __future__ import annotations

from payments.providers.base import PaymentProvider
from payments.providers.moyasar import MoyasarProvider
from payments.providers.stripe import StripeProvider
from payments.providers.tabby import TabbyProvider
from payments.providers.tamara import TamaraProvider

ADAPTERS: dict[str, PaymentProvider] = {
    provider.code: provider for provider in (StripeProvider(), MoyasarProvider(), TabbyProvider(), TamaraProvider())
}
#: providers whose refunds are confirmed only by a later event (the others answer the refund synchronously)
REFUNDS_CONFIRMED_BY_EVENT = {"stripe"}


def get_provider(code: str) -> PaymentProvider:
    """The adapter of a provider ("stripe", "moyasar", "tabby", "tamara")."""
    return ADAPTERS[code]


def is_configured(code: str) -> bool:
    """Whether a provider's settings are all present (bank transfer: the store's IBAN)."""
    if code == "bank_transfer":
        from django.conf import settings

        return bool(settings.BANK_TRANSFER_IBAN)
    adapter = ADAPTERS.get(code)
    return adapter is not None and adapter.is_configured()
