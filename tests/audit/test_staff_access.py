"""Staff access to personal data in the admin: every look recorded; masked for roles that do not need it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from audit import registry
from audit.admin_tools import MASK, PersonalDataAdminMixin
from audit.models import StaffAccess
from merchants.models import Application
from tests.merchants.factories import ApplicationFactory, SubmittedApplicationFactory

pytestmark = pytest.mark.django_db


def test_every_admin_of_a_registered_model_logs_and_masks():
    for model, model_admin in admin.site._registry.items():
        if registry.is_registered(model):
            assert isinstance(model_admin, PersonalDataAdminMixin), model._meta.label


def test_a_reviewer_opening_an_application_sees_the_contact_and_the_look_is_logged(staff_client):
    application = SubmittedApplicationFactory(contact_name="Karim Benjelloun", contact_phone="+212600112233")
    reviewer = staff_client("reviewer")
    page = reviewer.get(reverse("admin:merchants_application_change", args=[application.pk])).content.decode()
    assert "Karim Benjelloun" in page and "+212600112233" in page
    access = StaffAccess.objects.get(action="view")
    assert (access.staff, access.model, access.object_id, access.unmasked) == (
        reviewer.staff_user,
        "merchants.application",
        str(application.pk),
        True,
    )
    assert access.ip_address == "127.0.0.1"


def test_staff_without_the_personal_data_permission_see_masks_and_the_look_is_still_logged(staff_client):
    security = staff_client("security")
    from django.contrib.auth.models import Permission

    security.staff_user.groups.get().permissions.remove(Permission.objects.get(codename="view_personal_data"))
    member = ApplicationFactory(contact_name="Karim Benjelloun").applicant
    member.full_name = "Nadia Tazi"
    member.save()
    page = security.get(reverse("admin:merchants_user_change", args=[member.pk])).content.decode()
    assert "Nadia Tazi" not in page
    assert member.email not in page
    assert MASK in page
    assert StaffAccess.objects.get(model="merchants.user", action="view").unmasked is False
    listing = security.get(reverse("admin:merchants_user_changelist")).content.decode()
    assert member.email not in listing and MASK in listing
    assert StaffAccess.objects.filter(model="merchants.user", action="list").exists()


def test_saving_a_record_with_masked_fields_keeps_their_values(staff_client):
    security = staff_client("security")
    from django.contrib.auth.models import Permission

    group = security.staff_user.groups.get()
    group.permissions.remove(Permission.objects.get(codename="view_personal_data"))
    group.permissions.add(Permission.objects.get(codename="change_user"))
    member = ApplicationFactory().applicant
    member.full_name = "Nadia Tazi"
    member.save()
    response = security.post(
        reverse("admin:merchants_user_change", args=[member.pk]),
        {"language": "fr", "is_active": "on", "groups": [], "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert (member.full_name, member.language) == ("Nadia Tazi", "fr")


def test_the_security_role_searches_the_access_log_by_staff_and_record(staff_client):
    application = SubmittedApplicationFactory()
    staff_client("reviewer", email="curious.reviewer@store.test").get(
        reverse("admin:merchants_application_change", args=[application.pk])
    )
    security = staff_client("security")
    response = security.get(reverse("admin:audit_staffaccess_changelist"), {"q": "curious.reviewer"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "curious.reviewer@store.test" in page and "merchants.application" in page


def test_other_roles_cannot_read_the_access_log(staff_client):
    assert staff_client("designer").get(reverse("admin:audit_staffaccess_changelist")).status_code == 403


def test_the_access_log_cannot_be_edited_even_by_security(staff_client):
    StaffAccess.objects.create(staff=staff_client("reviewer").staff_user, model="merchants.user", action="view")
    security = staff_client("security")
    entry = StaffAccess.objects.get()
    assert security.post(reverse("admin:audit_staffaccess_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert StaffAccess.objects.count() == 1
    assert Application.objects.count() == 0
