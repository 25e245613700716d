"""The staff admin: django-otp's OTPAdminSite, with our two-step sign-in and enrolment."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp.admin import OTPAdminSite

from portal import staff_auth


class StaffAdminSite(OTPAdminSite):
    """No admin page opens without a verified second factor (`request.user.is_verified()`)."""

    site_header = _("Wholesale portal — staff")
    site_title = _("Wholesale portal staff")
    index_title = _("Administration")

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return staff_auth.password_step(request, extra_context={**self.each_context(request), **(extra_context or {})})

    def _sign_in_step(self, step):  # noqa: ANN001, ANN202 - a view factory
        def view(request: HttpRequest) -> HttpResponse:
            return step(request, extra_context=self.each_context(request))

        return never_cache(view)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [
            path("login/verify/", self._sign_in_step(staff_auth.verify_step), name="login_verify"),
            path("login/enrol/", self._sign_in_step(staff_auth.enrol_step), name="login_enrol"),
            *super().get_urls(),
        ]
