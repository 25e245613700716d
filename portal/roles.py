"""Staff roles: Django groups whose permissions follow the work each role does.

One table says which role may do what on which model. `sync_roles` makes the groups match it; a
migration creates them, and it runs again after every `migrate` so that models added later get
their permissions. A model a role does not need is simply absent: least privilege by default.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"

#: role -> {"app_label.model": actions}. Apps add their models here as they land.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "reviewer": {
        "merchants.application": (VIEW, "decide_application"),
        "merchants.applicationdocument": (VIEW,),
        "merchants.merchant": (VIEW,),
        # Reviewing an application means reading the applicant's contact details unmasked.
        "audit.staffaccess": ("view_personal_data",),
    },
    "designer": {
        "branding.brandingrequest": (VIEW, "work_on_brandingrequest"),
        "branding.brandkit": (VIEW,),
    },
    "fulfilment": {
        "orders.order": (VIEW, "raise_replacement"),
        "orders.product": (VIEW,),
        "shipping.shipment": (VIEW, "move_shipment", "print_shipment"),
        "shipping.shipmentevent": (VIEW,),
        "shipping.shippingplan": (VIEW,),
        "shipping.consignee": (VIEW, "view_consignee_details"),
        # Shipping to consignees means reading their names and addresses unmasked.
        "audit.staffaccess": ("view_personal_data",),
    },
    "finance": {
        "django_celery_beat.periodictask": (VIEW,),
        "orders.exchangerate": (VIEW, ADD),
        "orders.minimumorderpolicy": (VIEW, ADD),
        "orders.vatrate": (VIEW, ADD),
        "orders.order": (VIEW, "change_order_status"),
        "orders.product": (VIEW, CHANGE),
        # Payments: the eligibility registry, each order's payments and refunds, bank-transfer reconciliation.
        "payments.paymentmethod": (VIEW, CHANGE),
        "payments.paymentmethodlimit": (VIEW, ADD, CHANGE, DELETE),
        "payments.paymentmethodchange": (VIEW,),
        "payments.orderpayment": (VIEW, "refund_payment"),
        "payments.paymentattempt": (VIEW,),
        "payments.payment": (VIEW,),
        "payments.refund": (VIEW,),
        "payments.paymentaction": (VIEW,),
        "payments.banktransfer": (VIEW, "reconcile_banktransfer"),
        "payments.transferproof": (VIEW,),
        "payments.reconciliation": (VIEW,),
        "payments.providerevent": (VIEW,),
    },
    "security": {
        "axes.accessattempt": (VIEW, DELETE),
        "axes.accessfailurelog": (VIEW,),
        "axes.accesslog": (VIEW,),
        "otp_totp.totpdevice": (VIEW, DELETE),
        "otp_static.staticdevice": (VIEW, DELETE),
        "merchants.user": (VIEW,),
        "audit.staffaccess": (VIEW, "view_personal_data"),
        "audit.securityevent": (VIEW,),
        "payments.providerevent": (VIEW,),
        "privacy.securityalert": (VIEW,),
        "privacy.incident": (VIEW, ADD, CHANGE, "manage_incident"),
        "privacy.incidentevent": (VIEW,),
        "privacy.erasurerequest": (VIEW, "decide_erasurerequest"),
        "privacy.dataexport": (VIEW,),
        "privacy.consentchange": (VIEW,),
        "audit.disclosure": (VIEW,),
        "privacy.policyversion": (VIEW, ADD, CHANGE, "publish_policyversion"),
        "privacy.policyacceptance": (VIEW,),
        "merchants.merchant": (VIEW,),
    },
    # The admin role holds every permission (see sync_roles), except the reserved ones below.
    "admin": {},
}
ROLES = tuple(ROLE_PERMISSIONS)
#: Permissions only the roles of the table hold, never the admin role: reading consignees (the merchants'
#: customers) in full and printing their slips and labels is the fulfilment role's; reading personal data
#: unmasked in the admin belongs to the roles whose work needs it (reviewer, fulfilment, security).
RESERVED = {
    ("shipping", "view_consignee_details"),
    ("shipping", "print_shipment"),
    ("audit", "view_personal_data"),
}


def staff_with_role(role: str) -> Any:
    """Active staff members in `role`, by id (who a role's notices and alerts go to)."""
    return get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=role).distinct().order_by("pk")


def sync_roles(group_model: Any, permission_model: Any) -> None:
    """Create the role groups and give each exactly the permissions of the table that exist now."""
    for role, grants in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=role)
        if role == "admin":
            reserved = Q(pk__in=[])
            for app_label, codename in RESERVED:
                reserved |= Q(content_type__app_label=app_label, codename=codename)
            group.permissions.set(permission_model.objects.exclude(reserved))
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
    # Inside the function: this module is imported while apps load (privacy.apps), before auth's models exist.
    from django.contrib.auth.models import Group, Permission

    sync_roles(Group, Permission)
