"""Staff roles: Django groups whose permissions follow the work each role does.

One table says which role may do what on which model. `sync_roles` makes the groups match it; a
migration creates them, and it runs again after every `migrate` so that models added later get
their permissions. A model a role does not need is simply absent: least privilege by default.
"""

from __future__ import annotations

from typing import Any

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"

#: role -> {"app_label.model": actions}. Apps add their models here as they land.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "reviewer": {
        "merchants.application": (VIEW, "decide_application"),
        "merchants.applicationdocument": (VIEW,),
        "merchants.merchant": (VIEW,),
    },
    "designer": {
        "branding.brandingrequest": (VIEW, "work_on_brandingrequest"),
        "branding.brandkit": (VIEW,),
    },
    "fulfilment": {
        "orders.order": (VIEW, "raise_replacement"),
        "orders.product": (VIEW,),
    },
    "finance": {
        "django_celery_beat.periodictask": (VIEW,),
        "orders.exchangerate": (VIEW, ADD),
        "orders.minimumorderpolicy": (VIEW, ADD),
        "orders.vatrate": (VIEW, ADD),
        "orders.order": (VIEW, "change_order_status"),
        "orders.product": (VIEW, CHANGE),
    },
    "security": {
        "axes.accessattempt": (VIEW, DELETE),
        "axes.accessfailurelog": (VIEW,),
        "axes.accesslog": (VIEW,),
        "otp_totp.totpdevice": (VIEW, DELETE),
        "otp_static.staticdevice": (VIEW, DELETE),
        "merchants.user": (VIEW,),
    },
    # The admin role holds every permission (see sync_roles).
    "admin": {},
}
ROLES = tuple(ROLE_PERMISSIONS)


def sync_roles(group_model: Any, permission_model: Any) -> None:
    """Create the role groups and give each exactly the permissions of the table that exist now."""
    for role, grants in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=role)
        if role == "admin":
            group.permissions.set(permission_model.objects.all())
            continue
        wanted = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            wanted += list(
                permission_model.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[action if "_" in action else f"{action}_{model}" for action in actions],
                )
            )
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate receiver: permissions of newly migrated models join their roles."""
    from django.contrib.auth.models import Group, Permission

    sync_roles(Group, Permission)
