"""Company members: invitations, roles, at least one owner, several companies, owner-only settings."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from merchants import services
from merchants.models import Membership, MerchantSettingChange
from merchants.selectors import SESSION_KEY
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_owner_invites_a_colleague_who_accepts_with_the_invited_address(client, django_capture_on_commit_callbacks):
    owner = MembershipFactory(merchant__language="fr")
    client.force_login(owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("merchants:members"), {"email": "Colleague@Example.test", "role": "buyer"})
    assert response.status_code == 302
    email = mail.outbox[-1]
    assert email.to == ["colleague@example.test"]
    assert email.subject == "Vous êtes invité à rejoindre un compte de gros"
    link = next(word for word in email.body.split() if "/portal/invitations/" in word)
    path = link.split("127.0.0.1:8000")[-1]

    stranger = UserFactory(email="someone-else@example.test")
    client.force_login(stranger)
    refused = client.post(path)
    assert refused.status_code == 400
    assert not Membership.objects.filter(user=stranger).exists()

    colleague = UserFactory(email="colleague@example.test")
    client.force_login(colleague)
    assert client.post(path).status_code == 302
    assert Membership.objects.get(user=colleague, merchant=owner.merchant).role == "buyer"
    assert client.get(reverse("merchants:home")).status_code == 200
    assert client.post(path).status_code == 400  # an invitation works once


def test_a_forged_invitation_token_is_refused(client):
    client.force_login(UserFactory())
    assert client.post(reverse("merchants:accept_invitation", args=["not-a-token"])).status_code == 400


def test_the_last_owner_can_neither_leave_nor_be_demoted():
    owner = MembershipFactory()
    with pytest.raises(services.LastOwner):
        services.change_role(membership=owner, role="buyer")
    with pytest.raises(services.LastOwner):
        services.remove_member(membership=owner)
    second = MembershipFactory(merchant=owner.merchant, role="owner")
    services.change_role(membership=owner, role="viewer")
    assert Membership.objects.get(pk=owner.pk).role == "viewer"
    with pytest.raises(services.LastOwner):
        services.remove_member(membership=second)


def test_owner_changes_roles_and_removes_members_through_the_pages(client):
    owner = MembershipFactory()
    buyer = MembershipFactory(merchant=owner.merchant, role="buyer")
    client.force_login(owner.user)
    client.post(reverse("merchants:member_role", args=[buyer.pk]), {"role": "viewer"})
    assert Membership.objects.get(pk=buyer.pk).role == "viewer"
    client.post(reverse("merchants:member_remove", args=[buyer.pk]))
    assert not Membership.objects.filter(pk=buyer.pk).exists()


def test_a_buyer_cannot_manage_members(client):
    buyer = MembershipFactory(role="buyer")
    other = MembershipFactory(merchant=buyer.merchant, role="viewer")
    client.force_login(buyer.user)
    assert client.post(reverse("merchants:member_role", args=[other.pk]), {"role": "owner"}).status_code == 403
    assert client.post(reverse("merchants:members"), {"email": "x@example.test", "role": "owner"}).status_code == 404
    assert Membership.objects.get(pk=other.pk).role == "viewer"


def test_a_user_switches_between_the_companies_they_belong_to(client):
    first = MembershipFactory(merchant__trade_name="First Souk")
    second = MembershipFactory(user=first.user, merchant__trade_name="Second Souk", role="viewer")
    client.force_login(first.user)
    assert "First Souk" in client.get(reverse("merchants:home")).content.decode()
    client.post(reverse("merchants:switch"), {"merchant": second.merchant_id})
    assert client.session[SESSION_KEY] == second.merchant_id
    assert "Second Souk" in client.get(reverse("merchants:home")).content.decode()
    outsider = MembershipFactory()
    assert client.post(reverse("merchants:switch"), {"merchant": outsider.merchant_id}).status_code == 404


def test_partner_naming_is_off_by_default_owner_only_and_recorded(client):
    owner = MembershipFactory()
    assert owner.merchant.may_name_as_partner is False
    buyer = MembershipFactory(merchant=owner.merchant, role="buyer")
    client.force_login(buyer.user)
    assert client.post(reverse("merchants:settings"), {"may_name_as_partner": "on"}).status_code == 403
    client.force_login(owner.user)
    client.post(reverse("merchants:settings"), {"may_name_as_partner": "on"})
    owner.merchant.refresh_from_db()
    assert owner.merchant.may_name_as_partner is True
    change = MerchantSettingChange.objects.get(merchant=owner.merchant)
    assert (change.setting, change.old_value, change.new_value, change.by) == (
        "may_name_as_partner",
        "False",
        "True",
        owner.user,
    )


def test_when_an_owner_requires_two_factor_members_without_it_are_sent_to_set_it_up(client):
    owner = MembershipFactory(merchant__require_two_factor=True)
    client.force_login(owner.user)
    response = client.get(reverse("merchants:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
