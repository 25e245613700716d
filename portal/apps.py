from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate

from portal import checks, roles  # noqa: F401 - importing `checks` registers our start-up checks


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        # Role permissions name models of every app; they exist only once all apps have migrated.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="portal.sync_roles")


class StaffAdminConfig(AdminConfig):
    """The Django admin, served by our two-factor admin site."""

    default_site = "portal.admin_site.StaffAdminSite"
