"""Company members: invitations, roles, at least one owner, several companies, owner-only settings."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from merchants import services
from merchants.models import Invitation, Membership, MerchantSettingChange
from merchants.selectors import SESSION_KEY
from tests.factories import MembershipFactory, UserFactory
from tests.merchants.factories import verified_user

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

    stranger = verified_user("someone-else@example.test")
    client.force_login(stranger)
    assert client.get(path).status_code == 400
    assert owner.merchant.trade_name not in client.get(path).content.decode()
    refused = client.post(path)
    assert refused.status_code == 400
    assert "another email address" in refused.content.decode()
    assert not Membership.objects.filter(user=stranger).exists()

    colleague = verified_user("colleague@example.test")
    client.force_login(colleague)
    page = client.get(path).content.decode()
    assert f"You are invited to join {owner.merchant.trade_name} on the wholesale portal as Buyer." in page
    assert client.post(path).status_code == 302
    assert Membership.objects.get(user=colleague, merchant=owner.merchant).role == "buyer"
    assert client.get(reverse("merchants:home")).status_code == 200
    assert client.post(path).status_code == 400  # an invitation works once


def test_an_invitation_needs_the_invited_address_verified_on_the_account():
    owner = MembershipFactory()
    invitation = services.invite_member(
        merchant=owner.merchant, email="shop@example.test", role="viewer", invited_by=owner.user
    )
    token = services.invitation_token(invitation)
    person = verified_user("person@example.test")
    EmailAddress.objects.create(user=person, email="shop@example.test", verified=False, primary=False)
    with pytest.raises(services.InvitationForAnotherEmail):
        services.accept_invitation(token=token, user=person)
    EmailAddress.objects.filter(email="shop@example.test").update(verified=True)
    assert services.accept_invitation(token=token, user=person).role == "viewer"


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
    assert client.post(reverse("merchants:members"), {"email": "x@example.test", "role": "owner"}).status_code == 403
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


def test_inviting_the_same_address_again_replaces_the_open_invitation(django_capture_on_commit_callbacks):
    owner = MembershipFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.invite_member(
            merchant=owner.merchant, email="new@example.test", role="viewer", invited_by=owner.user
        )
    with django_capture_on_commit_callbacks(execute=True):  # a second request: the first email is out
        second = services.invite_member(
            merchant=owner.merchant, email="NEW@example.test", role="buyer", invited_by=owner.user
        )
    assert list(Invitation.objects.filter(merchant=owner.merchant).values_list("pk", "role")) == [(second.pk, "buyer")]
    assert len(mail.outbox) == 2
    colleague = verified_user("new@example.test")
    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(token=services.invitation_token(first), user=colleague)
    membership = services.accept_invitation(token=services.invitation_token(second), user=colleague)
    assert membership.role == "buyer"


def test_an_existing_member_cannot_be_invited_again(client):
    owner = MembershipFactory()
    MembershipFactory(merchant=owner.merchant, user__email="already@example.test", role="viewer")
    client.force_login(owner.user)
    response = client.post(reverse("merchants:members"), {"email": "already@example.test", "role": "owner"})
    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert not Invitation.objects.exists()


def test_switching_to_something_that_is_not_a_company_id_is_a_404(client):
    client.force_login(MembershipFactory().user)
    for value in ("", "abc", "1 OR 1=1"):
        assert client.post(reverse("merchants:switch"), {"merchant": value}).status_code == 404


def test_members_of_a_suspended_company_are_told_so(client):
    member = MembershipFactory(merchant__status="suspended")
    client.force_login(member.user)
    response = client.get(reverse("merchants:home"))
    assert response.status_code == 403
    assert "suspended" in response.content.decode()


def test_the_home_page_shows_the_company_its_account_and_the_shortcuts(client):
    owner = MembershipFactory(merchant__trade_name="Dar Souk", merchant__legal_name="Dar Souk Trading LLC")
    MembershipFactory(merchant=owner.merchant, role="buyer")
    client.force_login(owner.user)
    page = client.get(reverse("merchants:home")).content.decode()
    assert "Dar Souk Trading LLC" in page
    assert owner.merchant.code in page
    assert "Active" in page
    assert "<dd>2</dd>" in page  # members
    assert "Not allowed: the store keeps your collaboration confidential" in page
    for href in ("/portal/catalogue/", "/portal/orders/", "/portal/branding/", "/portal/shipments/", "/privacy/"):
        assert f'href="{href}"' in page
    assert f'href="{reverse("merchants:settings")}"' in page
    assert f'href="{reverse("mfa_index")}"' in page


def test_a_buyer_sees_no_owner_settings_link(client):
    buyer = MembershipFactory(role="buyer")
    client.force_login(buyer.user)
    page = client.get(reverse("merchants:home")).content.decode()
    assert f'href="{reverse("merchants:settings")}"' not in page


def test_the_members_page_shows_who_uses_two_factor_owners_first(client):
    owner = MembershipFactory(user__email="zed-owner@example.test")
    buyer = MembershipFactory(merchant=owner.merchant, role="buyer", user__email="alice-buyer@example.test")
    Authenticator.objects.create(user=buyer.user, type=Authenticator.Type.TOTP, data={})
    client.force_login(owner.user)
    page = client.get(reverse("merchants:members")).content.decode()
    assert page.index("zed-owner@example.test") < page.index("alice-buyer@example.test")
    rows = page.split("<tr>")[2:]
    assert "Off" in rows[0] and "On" in rows[1]


def test_the_members_page_costs_the_same_queries_however_many_members(client, django_assert_num_queries):
    owner = MembershipFactory()
    client.force_login(owner.user)
    url = reverse("merchants:members")
    MembershipFactory(merchant=owner.merchant, role="buyer")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    MembershipFactory.create_batch(30, merchant=owner.merchant, role="viewer")
    for n in range(10):
        services.invite_member(
            merchant=owner.merchant, email=f"invitee{n}@example.test", role="buyer", invited_by=owner.user
        )
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("<tr>") == 1 + 32


@pytest.mark.parametrize("who", ["anonymous", "other_merchant_owner", "buyer", "viewer", "owner"])
def test_access_to_each_portal_page_by_who_is_asking(client, who):
    owner = MembershipFactory()
    target = MembershipFactory(merchant=owner.merchant, role="viewer")
    people = {
        "other_merchant_owner": MembershipFactory().user,
        "buyer": MembershipFactory(merchant=owner.merchant, role="buyer").user,
        "viewer": target.user,
        "owner": owner.user,
    }
    if who != "anonymous":
        client.force_login(people[who])
    pages = {
        "merchants:home": client.get(reverse("merchants:home")).status_code,
        "merchants:members": client.get(reverse("merchants:members")).status_code,
        "merchants:settings": client.get(reverse("merchants:settings")).status_code,
        "merchants:member_role": client.post(
            reverse("merchants:member_role", args=[target.pk]), {"role": "buyer"}
        ).status_code,
        "invite": client.post(reverse("merchants:members"), {"email": "x@example.test", "role": "buyer"}).status_code,
    }
    expected = {
        "anonymous": {
            "merchants:home": 302,
            "merchants:members": 302,
            "merchants:settings": 302,
            "merchants:member_role": 302,
            "invite": 302,
        },
        # Their own company's pages open; merchant A's member is not theirs: 404.
        "other_merchant_owner": {
            "merchants:home": 200,
            "merchants:members": 200,
            "merchants:settings": 200,
            "merchants:member_role": 404,
            "invite": 302,
        },
        "buyer": {
            "merchants:home": 200,
            "merchants:members": 200,
            "merchants:settings": 403,
            "merchants:member_role": 403,
            "invite": 403,
        },
        "viewer": {
            "merchants:home": 200,
            "merchants:members": 200,
            "merchants:settings": 403,
            "merchants:member_role": 403,
            "invite": 403,
        },
        "owner": {
            "merchants:home": 200,
            "merchants:members": 200,
            "merchants:settings": 200,
            "merchants:member_role": 302,
            "invite": 302,
        },
    }
    assert pages == expected[who]
    # Only an owner's invitation exists, and always for the inviter's own company.
    invited_to = set(Invitation.objects.values_list("merchant_id", flat=True))
    if who in {"owner", "other_merchant_owner"}:
        assert invited_to == {people[who].memberships.get().merchant_id}
    else:
        assert invited_to == set()
    assert Membership.objects.get(pk=target.pk).role == ("buyer" if who == "owner" else "viewer")


def test_an_owner_turns_partner_naming_back_off_and_the_history_says_so_in_words(client):
    owner = MembershipFactory(merchant__may_name_as_partner=True)
    client.force_login(owner.user)
    client.post(reverse("merchants:settings"), {})  # every box unticked
    owner.merchant.refresh_from_db()
    assert owner.merchant.may_name_as_partner is False
    change = MerchantSettingChange.objects.get(merchant=owner.merchant)
    assert (change.old_value, change.new_value) == ("True", "False")
    page = client.get(reverse("merchants:settings")).content.decode()
    assert "The store may name our company as a partner: Off" in page
