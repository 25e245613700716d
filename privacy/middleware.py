"""The privacy middleware: new policy versions reach members at their next visit, and denials are recorded."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from audit.security import Kind, record_event
from privacy.services import policies

#: paths where no policy notice is given (files, the policies themselves, sign-out, health, the admin)
QUIET_PREFIXES = ("/static/", "/policies/", "/admin/", "/healthz", "/i18n/", "/accounts/logout", "/privacy/exports/")


class PrivacyMiddleware:
    """Records continued use of new policy versions (with a notice), and every permission denial."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and user is not None
            and user.is_authenticated
            and not user.is_staff
            and not request.path.startswith(QUIET_PREFIXES)
        ):
            for version in policies.note_continued_use(user=user, session=request.session):
                messages.info(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("%(policy)s changed on %(date)s; continuing to use the portal means you accept it.")
                        % {"policy": version.get_kind_display(), "date": f"{version.effective_at:%Y-%m-%d}"},
                        reverse("policies:changes", args=[version.kind, version.version]),
                        _("See what changed"),
                    ),
                )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            record_event(Kind.PERMISSION_DENIED, request)
        return None
