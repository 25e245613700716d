"""Reads about people and companies, always scoped to the person asking."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When

from merchants.models import (
    Application,
    ApplicationDocument,
    Invitation,
    Membership,
    Merchant,
    MerchantSettingChange,
    User,
)

SESSION_KEY = "current_merchant_id"


def memberships_for(*, user: User) -> QuerySet[Membership]:
    """The user's memberships of active merchants, oldest first."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, merchant__status=Merchant.Status.ACTIVE)
        .select_related("merchant")
        .order_by("created_at", "pk")
    )


def current_membership(*, user: User, session: Any) -> Membership | None:
    """The membership the user is working in: the one chosen in this session, else the first."""
    memberships = memberships_for(user=user)
    chosen = session.get(SESSION_KEY)
    if chosen is not None:
        membership = memberships.filter(merchant_id=chosen).first()
        if membership is not None:
            return membership
    return memberships.first()


def has_suspended_company(*, user: User) -> bool:
    """Whether the user belongs to a company whose account staff have suspended."""
    return Membership.objects.filter(user=user, merchant__status=Merchant.Status.SUSPENDED).exists()


def application_of(*, user: User) -> Application | None:
    """The user's latest application, with its documents."""
    if not user.is_authenticated:
        return None
    return Application.objects.filter(applicant=user).prefetch_related("documents").order_by("-pk").first()


def documents_of(*, user: User) -> QuerySet[ApplicationDocument]:
    """The documents of the user's own applications."""
    return ApplicationDocument.objects.filter(application__applicant=user).select_related("application")


def documents_visible_to(*, user: User) -> QuerySet[ApplicationDocument]:
    """Documents a person may open: their own applications', or every one for reviewers."""
    documents = ApplicationDocument.objects.select_related("application")
    if user.is_staff and user.has_perm("merchants.view_application") and getattr(user, "is_verified", bool)():
        return documents
    return documents.filter(application__applicant=user)


def members_of(*, merchant: Merchant) -> QuerySet[Membership]:
    """The merchant's members, owners first, each marked with whether they use two-factor sign-in."""
    return (
        merchant.memberships.select_related("user")
        .annotate(
            has_two_factor=Exists(Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP))
        )
        .annotate(
            rank=Case(
                *(When(role=role, then=Value(rank)) for rank, role in enumerate(Membership.Role.values)),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "user__email")
    )


def open_invitations_of(*, merchant: Merchant) -> QuerySet[Invitation]:
    """Invitations of the merchant not accepted yet, newest first."""
    return merchant.invitations.filter(accepted_at__isnull=True).order_by("-created_at", "-pk")


def setting_changes_of(*, merchant: Merchant, limit: int = 20) -> QuerySet[MerchantSettingChange]:
    """The merchant's latest setting changes, with who made them."""
    return merchant.setting_changes.select_related("by").order_by("-at", "-pk")[:limit]


def review_queue() -> QuerySet[Application]:
    """Submitted applications, oldest first: what reviewers work on."""
    return Application.objects.filter(status=Application.Status.SUBMITTED).order_by("submitted_at", "pk")


def member_count(*, merchant: Merchant) -> int:
    """How many members the merchant has."""
    return merchant.memberships.count()


def documents_of_application(*, user: User, application: Application) -> QuerySet[ApplicationDocument]:
    """The documents of one of the user's own applications."""
    return documents_of(user=user).filter(application=application)


def membership_of(*, user: User, merchant_id: int) -> Membership | None:
    """The user's membership of one active merchant, with the merchant, or None."""
    return memberships_for(user=user).filter(merchant_id=merchant_id).first()
