"""Consents: off until the member turns one on; every change kept with its time and source."""

from __future__ import annotations

from django.db import transaction

from merchants.models import User
from privacy.models import ConsentChange

Purpose = ConsentChange.Purpose


def current_consents(*, user: User) -> dict[str, bool]:
    """Each purpose and whether the member consents to it now (never asked: no)."""
    state = {purpose: False for purpose in Purpose.values}
    seen: set[str] = set()
    for change in ConsentChange.objects.filter(user=user).order_by("-at", "-pk"):
        if change.purpose in state and change.purpose not in seen:
            state[change.purpose] = change.granted
            seen.add(change.purpose)
    return state


def set_consents(*, user: User, wanted: dict[str, bool], source: str) -> list[ConsentChange]:
    """Record a change for each purpose whose answer differs from the current one."""
    with transaction.atomic():
        current = current_consents(user=user)
        changes = [
            ConsentChange(user=user, purpose=purpose, granted=granted, source=source)
            for purpose, granted in wanted.items()
            if purpose in current and current[purpose] != granted
        ]
        return ConsentChange.objects.bulk_create(changes)


def consenting_users(*, purpose: str) -> list[int]:
    """Ids of the users who consent to `purpose` now (for whoever sends marketing)."""
    latest: dict[int, bool] = {}
    for user_id, granted in (
        ConsentChange.objects.filter(purpose=purpose).order_by("at", "pk").values_list("user_id", "granted")
    ):
        latest[user_id] = granted
    return sorted(uid for uid, granted in latest.items() if granted)


def history(*, user: User) -> list[ConsentChange]:
    """The member's consent changes, newest first."""
    return list(ConsentChange.objects.filter(user=user).order_by("-at", "-pk"))
