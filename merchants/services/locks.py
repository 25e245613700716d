"""Row locks of the merchants domain; the merchant's is always the first lock taken."""

from __future__ import annotations

from merchants.models import (
    Application,
    Merchant,
)
from portal import state


def lock_merchant(pk: int) -> Merchant:
    """The merchant's row, locked for the caller's transaction: always the first lock taken (merchant, order,
    payment attempt, shipment)."""
    return state.lock(Merchant, pk)


def lock_application(pk: int) -> Application:
    """The application's row, locked for the caller's transaction."""
    return state.lock(Application, pk)
