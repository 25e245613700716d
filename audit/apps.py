from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Inside ready(): the admin and the registry reach models, which exist only once the app registry is.
        from django.contrib import admin

        from audit import registry
        from audit.admin_tools import protect_registered_admins

        registry.autodiscover()
        protect_registered_admins(admin.site)
