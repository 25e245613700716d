"""A member of merchant B never reaches merchant A's objects, and people without an approved company get no
portal page. (The same walk across every app's URLs: tests/test_isolation_all_urls.py.)"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse

from merchants import services
from merchants.models import Application, Invitation, Membership
from tests.factories import MembershipFactory, UserFactory
from tests.merchants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def portal_patterns(with_args: bool) -> list[str]:
    """Names of the merchants URLs, with or without an argument in the path."""
    resolver = get_resolver().url_patterns
    names = []
    for entry in resolver:
        if getattr(entry, "namespace", None) != "merchants":
            continue
        for pattern in entry.url_patterns:
            assert isinstance(pattern, URLPattern)
            takes_id = bool(pattern.pattern.converters)
            if takes_id == with_args:
                names.append(f"merchants:{pattern.name}")
    return names


PORTAL_PAGES = ["merchants:home", "merchants:members", "merchants:settings"]


def test_a_member_of_merchant_b_gets_404_for_every_object_of_merchant_a(client):
    owner_a = MembershipFactory()
    buyer_a = MembershipFactory(merchant=owner_a.merchant, role="buyer")
    application_a = ApplicationFactory(applicant=owner_a.user)
    document_a = services.add_document(
        application=application_a,
        upload=SimpleUploadedFile("cr.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
    )
    objects_of_a = {
        "merchants:document": [document_a.pk],
        "merchants:member_role": [buyer_a.pk],
        "merchants:member_remove": [buyer_a.pk],
    }
    # The invitation link carries a signed token, not an object id: B's owner cannot use A's invitation.
    invitation_a = services.invite_member(
        merchant=owner_a.merchant, email="guest@example.test", role="owner", invited_by=owner_a.user
    )
    names = portal_patterns(with_args=True)
    assert set(names) == {*objects_of_a, "merchants:accept_invitation"}, "a new URL with an id needs an entry here"

    owner_b = MembershipFactory(role="owner")
    client.force_login(owner_b.user)
    for name, args in objects_of_a.items():
        url = reverse(name, args=args)
        for method in (client.get, client.post):
            status = method(url, {"role": "owner"}).status_code
            assert status in {404, 405}, (name, method.__name__, status)  # 405: a POST-only URL refuses a GET first
        assert client.post(url, {"role": "owner"}).status_code == 404
    accept = reverse("merchants:accept_invitation", args=[services.invitation_token(invitation_a)])
    assert client.post(accept).status_code == 400

    assert Membership.objects.get(pk=buyer_a.pk).role == "buyer"
    assert not Membership.objects.filter(user=owner_b.user, merchant=owner_a.merchant).exists()
    assert Invitation.objects.get(pk=invitation_a.pk).accepted_at is None


@pytest.mark.parametrize("who", ["anonymous", "pending", "rejected", "staff"])
def test_people_without_an_approved_company_get_no_portal_page(client, staff_client, who):
    assert set(PORTAL_PAGES) <= set(portal_patterns(with_args=False))
    if who == "staff":
        client = staff_client("reviewer")
    elif who != "anonymous":
        status = Application.Status.SUBMITTED if who == "pending" else Application.Status.REJECTED
        user = UserFactory()
        ApplicationFactory(applicant=user, status=status)
        client.force_login(user)
    for name in PORTAL_PAGES:
        response = client.get(reverse(name))
        if who == "anonymous":
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403, (who, name)
            assert "No access to the portal yet" in response.content.decode()
