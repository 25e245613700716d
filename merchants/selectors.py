"""Reads about people and companies, always scoped to the person asking."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from merchants.models import Membership, Merchant

SESSION_KEY = "current_merchant_id"


def memberships_for(*, user: Any) -> QuerySet[Membership]:
    """The user's memberships of active merchants, oldest first."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, merchant__status=Merchant.Status.ACTIVE)
        .select_related("merchant")
        .order_by("created_at", "pk")
    )


def current_membership(*, user: Any, session: Any) -> Membership | None:
    """The membership the user is working in: the one chosen in this session, else the first."""
    memberships = memberships_for(user=user)
    chosen = session.get(SESSION_KEY)
    if chosen is not None:
        membership = memberships.filter(merchant_id=chosen).first()
        if membership is not None:
            return membership
    return memberships.first()
