"""The staff access log: each staff look at personal data in the admin."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from audit.models import StaffAccess


def record_staff_access(
    *, staff: AbstractBaseUser, model: str, object_id: str, action: str, unmasked: bool, ip_address: str | None
) -> StaffAccess:
    """Record that `staff` opened (or listed) records of `model`, and whether they saw values unmasked."""
    (row,) = record_staff_accesses(
        staff=staff, model=model, object_ids=[object_id], action=action, unmasked=unmasked, ip_address=ip_address
    )
    return row


def record_staff_accesses(
    *, staff: AbstractBaseUser, model: str, object_ids: list[str], action: str, unmasked: bool, ip_address: str | None
) -> list[StaffAccess]:
    """The same for many records at once (the merged slips of an order): one row each, one INSERT in all."""
    return StaffAccess.objects.bulk_create(
        StaffAccess(
            staff=staff,  # type: ignore[misc]  # the project's user model, which `audit` may not name
            model=model, object_id=str(object_id)[:64], action=action, unmasked=unmasked,
            ip_address=ip_address,
        )
        for object_id in object_ids
    )  # fmt: skip
