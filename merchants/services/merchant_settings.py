"""The merchant's owner-only settings, each change recorded."""

from __future__ import annotations

from django.db import transaction

from merchants.models import (
    Merchant,
    MerchantSettingChange,
    User,
)
from merchants.services.locks import lock_merchant

SETTINGS = ("may_name_as_partner", "require_two_factor")


def change_settings(*, merchant: Merchant, by: User, values: dict[str, bool], ip: str | None = None) -> list[str]:
    """Change owner-only settings, recording each change; returns the names of those that changed."""
    changed = []
    with transaction.atomic():
        merchant = lock_merchant(merchant.pk)
        for name in SETTINGS:
            if name in values and getattr(merchant, name) != values[name]:
                MerchantSettingChange.objects.create(
                    merchant=merchant,
                    setting=name,
                    old_value=str(getattr(merchant, name)),
                    new_value=str(values[name]),
                    by=by,
                    ip_address=ip,
                )
                setattr(merchant, name, values[name])
                changed.append(name)
        if changed:
            merchant.save(update_fields=changed)
    return changed
