"""Finance's changes to the eligibility registry, each recorded with who, when, what and why."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from merchants.models import User
from payments.models import PaymentMethod, PaymentMethodChange

#: the fields of a method whose changes are recorded
RULE_FIELDS = (
    "name",
    "provider_type",
    "currencies",
    "buyer_countries",
    "excluded_countries",
    "domestic_only",
    "provider_allows_b2b",
    "contract_allows_b2b",
    "enabled",
    "source_url",
    "source_note",
    "unverified",
    "notes",
)


def snapshot(method: PaymentMethod) -> dict[str, Any]:
    """The rule fields and limits of a method as they are now."""
    data = model_to_dict(method, fields=RULE_FIELDS)
    data["limits"] = {
        limit.currency: [
            str(limit.minimum) if limit.minimum is not None else None,
            str(limit.maximum) if limit.maximum is not None else None,
        ]
        for limit in method.limits.order_by("currency")
    }
    return data


def record_rule_change(
    *, method: PaymentMethod, before: dict[str, Any], by: User, reason: str, ip_address: str | None = None
) -> PaymentMethodChange | None:
    """Record what changed in a method's rules since `before` (nothing when nothing changed)."""
    after = snapshot(method)
    changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    if not changes:
        return None
    with transaction.atomic():
        return PaymentMethodChange.objects.create(
            method=method, by=by, changes=changes, reason=reason, ip_address=ip_address
        )
