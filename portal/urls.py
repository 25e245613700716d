"""URLs of the portal. Each app adds its own include here as it lands."""

from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("merchants.urls")),
    path("portal/branding/", include("branding.urls")),
    path("portal/", include("orders.urls")),
    path("portal/", include("shipping.urls")),
    path("portal/", include("payments.portal_urls")),
    path("payments/", include("payments.urls")),
    path("privacy/", include("privacy.urls")),
    path("policies/", include("privacy.policy_urls")),
]
