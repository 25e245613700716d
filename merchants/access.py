"""Who may open a page of the merchant portal.

`member_required` lets in members of an approved (active) merchant only, and sets
`request.merchant` and `request.membership`: every merchant view reads from `request.merchant`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, cast

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from merchants.models import Membership, Merchant, User
from merchants.selectors import application_of, current_membership, has_suspended_company


class SignedInRequest(HttpRequest):
    """What a view behind `login_required` receives (for type checkers): the user is signed in."""

    user: User


class MerchantRequest(SignedInRequest):
    """What a view behind `member_required` receives (for type checkers)."""

    merchant: Merchant
    membership: Membership


def user_of(request: HttpRequest) -> User:
    """The user of a request that only signed-in users reach (admin pages, `login_required` views)."""
    return cast(User, request.user)


#: The roles that act for the company (order, pay, file branding requests, give consignees); viewers only look.
ACTING_ROLES = (Membership.Role.OWNER, Membership.Role.BUYER)


def member_required(view: Callable[..., HttpResponseBase] | None = None, *, roles: Iterable[str] | None = None) -> Any:
    """Decorator: the signed-in user must be a member (with one of `roles`, if given)."""

    def decorator(func: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = current_membership(user=request.user, session=request.session)
            if membership is None:
                context = {
                    "application": application_of(user=request.user),
                    "suspended": has_suspended_company(user=request.user),
                }
                return render(request, "merchants/no_portal_access.html", context, status=403)
            if roles is not None and membership.role not in set(roles):
                raise PermissionDenied
            if membership.merchant.require_two_factor and not is_mfa_enabled(request.user):
                messages.warning(request, _("Your company requires two-factor authentication: set it up to continue."))
                return redirect("mfa_activate_totp")
            request.membership = membership  # type: ignore[attr-defined]
            request.merchant = membership.merchant  # type: ignore[attr-defined]
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
