"""Roles are permissions only (issue 12, point 3): nobody created with a role is a superuser, the admin role
holds no reserved permission, and every role meets every personal-data admin, slip, label and file view
with exactly what its permissions give it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from audit.admin_tools import MASK, PersonalDataAdminMixin
from merchants.admin import UserAdmin
from orders import services as order_services
from portal.roles import RESERVED, ROLE_PERMISSIONS, ROLES
from shipping import services
from shipping.models import Consignee, Shipment
from tests.shipping.helpers import brand_kit, white_label_order, with_consignees

pytestmark = pytest.mark.django_db


def _grants(role: str) -> set[str]:
    """The `app_label.codename` permissions the table gives a role (the admin role: none of the reserved)."""
    held = set()
    for label, actions in ROLE_PERMISSIONS[role].items():
        app_label, model = label.split(".")
        held |= {f"{app_label}.{action if '_' in action else f'{action}_{model}'}" for action in actions}
    return held


@pytest.fixture
def shipped(courier, django_capture_on_commit_callbacks):
    order, owner = white_label_order(units=2)
    brand_kit(owner)
    with_consignees(order, owner, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_white_label_shipping(order=order_services.mark_paid(order=order, source="test"))
    return order


def test_createstaff_makes_no_superuser_even_for_the_admin_role(capsys):
    call_command("createstaff", "boss@store.test", "--role", "admin")
    user = get_user_model().objects.get(email="boss@store.test")
    assert user.is_staff and not user.is_superuser
    assert not any(user.has_perm(f"{app}.{codename}") for app, codename in RESERVED)


def test_staff_cannot_make_anyone_a_superuser_in_the_user_admin():
    fields = {name for _title, options in UserAdmin.fieldsets for name in options["fields"]}
    assert "is_superuser" not in fields and "user_permissions" not in fields
    assert {("shipping", "print_shipment"), ("audit", "view_personal_data")} <= RESERVED


@pytest.mark.parametrize("role", ROLES)
def test_every_personal_data_admin_masks_for_every_role_without_the_permission(staff_client, role):
    client = staff_client(role)
    user = client.staff_user
    assert not user.is_superuser
    request = RequestFactory().get("/admin/")
    request.user = user
    protected = [a for a in admin.site._registry.values() if isinstance(a, PersonalDataAdminMixin)]
    assert len(protected) >= 5, "the personal-data admins are found"
    for model_admin in protected:
        expected_unmasked = model_admin.personal_data_permission in _grants(role)
        masked = model_admin._masked(request)
        entry = model_admin._personal()
        if entry is None or not entry.masked_fields():
            continue
        label = model_admin.model._meta.label
        assert (not masked) is expected_unmasked, f"{role} on {label}"
        if role == "admin":
            assert masked, f"the admin role reads {label} masked"


@pytest.mark.parametrize("role", ROLES)
def test_slips_labels_and_consignees_in_full_are_for_fulfilment_alone(staff_client, shipped, role):
    client = staff_client(role)
    shipment = Shipment.objects.filter(order=shipped).exclude(slip="").exclude(label="").first()
    consignee = Consignee.objects.filter(order=shipped).first()
    downloads = [
        reverse("admin:shipping_shipment_slip", args=[shipment.pk]),
        reverse("admin:shipping_shipment_label", args=[shipment.pk]),
        reverse("admin:shipping_shipment_order_slips", args=[shipped.pk]),
    ]
    for url in downloads:
        status = client.get(url).status_code
        assert status == (200 if role == "fulfilment" else 403), (role, url, status)
    page = client.get(reverse("admin:shipping_consignee_change", args=[consignee.pk]))
    if role == "fulfilment":
        assert consignee.name in page.content.decode()
    elif role == "admin":
        body = page.content.decode()
        assert page.status_code == 200 and consignee.name not in body and MASK in body
    else:
        assert page.status_code == 403 or consignee.name not in page.content.decode()
