from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy and security")

    def ready(self) -> None:
        from django.contrib import admin
        from django.db.models.signals import post_migrate

        from portal import roles
        from privacy import receivers, registry
        from privacy.admin import protect_registered_admins

        registry.autodiscover()
        receivers.connect()
        protect_registered_admins(admin.site)
        # This app's own permissions are created on its post_migrate, after portal's role sync ran: sync again.
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self, dispatch_uid="privacy.sync_roles")
