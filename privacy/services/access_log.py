"""The staff access log: each staff look at personal data in the admin."""

from __future__ import annotations

from typing import Any

from privacy.models import StaffAccess


def record_staff_access(
    *, staff: Any, model: str, object_id: str, action: str, unmasked: bool, ip_address: str | None
) -> StaffAccess:
    """Record that `staff` opened (or listed) records of `model`, and whether they saw values unmasked."""
    return StaffAccess.objects.create(
        staff=staff, model=model, object_id=str(object_id)[:64], action=action, unmasked=unmasked, ip_address=ip_address
    )
