"""Sensitive company corrections ask for the password first: the company's contact details in the privacy
centre (each change a security event, by field name only) and the two-factor rule in the company settings."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from audit.models import SecurityEvent
from merchants.models import Application, Membership, MerchantSettingChange
from tests.factories import PASSWORD, MembershipFactory
from tests.merchants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

NEW_CONTACT = {"contact_name": "Rania Haddad", "contact_phone": "+966555998877", "address": "Olaya Street 9, Riyadh"}


def member_of_an_approved_company(role: str = Membership.Role.OWNER) -> tuple[Client, Membership, Application]:
    membership = MembershipFactory(role=role)
    application = ApplicationFactory(
        applicant=membership.user,
        merchant=membership.merchant,
        status=Application.Status.APPROVED,
        contact_name="Sara Al-Otaibi",
        contact_phone="+966501234567",
        address="King Fahd Road 12, Riyadh",
    )
    client = Client()
    client.force_login(membership.user)  # signed in, but not recently through the password
    return client, membership, application


def test_an_owner_corrects_the_companys_contact_details_after_re_entering_the_password():
    client, membership, application = member_of_an_approved_company()
    assert "Sara Al-Otaibi" in client.get(reverse("privacy:company")).content.decode()  # shown before asking

    response = client.post(reverse("privacy:company"), NEW_CONTACT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    application.refresh_from_db()
    assert application.contact_name == "Sara Al-Otaibi", "nothing changes before the password"

    client.post(response["Location"], {"password": PASSWORD}, follow=True)  # the change, resumed
    application.refresh_from_db()
    assert (application.contact_name, application.contact_phone, application.address) == tuple(NEW_CONTACT.values())
    events = SecurityEvent.objects.filter(kind="sensitive_change", user=membership.user)
    assert sorted(events.values_list("details__field", flat=True)) == ["address", "contact_name", "contact_phone"]
    recorded = repr(list(events.values_list("details", flat=True)))
    assert all(value not in recorded for value in [*NEW_CONTACT.values(), "Sara", "+966501234567", "555998877"])
    assert all(e.details["application_id"] == application.pk for e in events)


def test_only_the_changed_contact_fields_are_recorded():
    client, membership, application = member_of_an_approved_company()
    client.post(client.post(reverse("privacy:company"), {})["Location"], {"password": PASSWORD})
    client.post(
        reverse("privacy:company"),
        {"contact_name": "Sara Al-Otaibi", "contact_phone": "+966501234567", "address": "Tahlia Street 3, Jeddah"},
    )
    application.refresh_from_db()
    assert application.address == "Tahlia Street 3, Jeddah"
    assert list(SecurityEvent.objects.filter(kind="sensitive_change").values_list("details__field", flat=True)) == [
        "address"
    ]


@pytest.mark.parametrize("role", [r for r in Membership.Role.values if r != Membership.Role.OWNER])
def test_members_who_are_not_owners_cannot_correct_the_company_contact(role):
    client, _, application = member_of_an_approved_company(role)
    assert client.get(reverse("privacy:company")).status_code == 403
    assert client.post(reverse("privacy:company"), NEW_CONTACT).status_code == 403
    application.refresh_from_db()
    assert application.contact_name == "Sara Al-Otaibi"


def test_only_owners_see_the_link_to_correct_the_company_contact():
    owner, _, _ = member_of_an_approved_company()
    buyer, _, _ = member_of_an_approved_company(Membership.Role.BUYER)
    link = f'href="{reverse("privacy:company")}"'
    assert link in owner.get(reverse("privacy:centre")).content.decode()
    assert link not in buyer.get(reverse("privacy:centre")).content.decode()


def test_a_company_without_an_application_has_no_contact_details_to_correct():
    membership = MembershipFactory()
    client = Client()
    client.force_login(membership.user)
    assert client.get(reverse("privacy:company")).status_code == 404


@pytest.mark.parametrize("turn_on", [True, False])
def test_an_owner_turning_two_factor_on_or_off_re_enters_the_password_first(turn_on):
    membership = MembershipFactory(merchant__require_two_factor=not turn_on)
    Authenticator.objects.create(user=membership.user, type=Authenticator.Type.TOTP, data={"secret": "A" * 32})
    client = Client()
    client.force_login(membership.user)
    posted = {"require_two_factor": "on"} if turn_on else {}

    response = client.post(reverse("merchants:settings"), posted)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    membership.merchant.refresh_from_db()
    assert membership.merchant.require_two_factor is not turn_on
    assert not MerchantSettingChange.objects.exists()

    client.post(response["Location"], {"password": PASSWORD})  # the change, resumed
    membership.merchant.refresh_from_db()
    assert membership.merchant.require_two_factor is turn_on
    assert MerchantSettingChange.objects.get().setting == "require_two_factor"


def test_other_company_settings_need_no_password():
    membership = MembershipFactory()
    client = Client()
    client.force_login(membership.user)
    response = client.post(reverse("merchants:settings"), {"may_name_as_partner": "on"})
    assert response["Location"] == reverse("merchants:settings")
    membership.merchant.refresh_from_db()
    assert membership.merchant.may_name_as_partner is True
