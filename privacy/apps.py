from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from portal import roles


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy and security")

    def ready(self) -> None:
        # Inside ready(): these modules import models, which exist only once the app registry is ready.
        from audit import security as audit_security
        from privacy import receivers, security

        receivers.connect()
        audit_security.on_event(security.run_alert_rules)
        # This app's own permissions are created on its post_migrate, after portal's role sync ran: sync again.
        post_migrate.connect(roles.sync_roles_after_migrate, sender=self, dispatch_uid="privacy.sync_roles")
