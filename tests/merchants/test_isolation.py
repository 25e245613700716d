"""A member of merchant B never reaches merchant A's objects; non-members get no portal page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver, reverse

from merchants import services
from merchants.models import Application
from tests.factories import MembershipFactory, UserFactory
from tests.merchants.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def portal_patterns(with_args: bool) -> list[str]:
    """Names of the merchants URLs under /apply/ and /portal/, with or without an object id."""
    resolver = get_resolver().url_patterns
    names = []
    for entry in resolver:
        if getattr(entry, "namespace", None) != "merchants":
            continue
        for pattern in entry.url_patterns:
            assert isinstance(pattern, URLPattern)
            takes_id = "<int:pk>" in str(pattern.pattern)
            if takes_id == with_args:
                names.append(f"merchants:{pattern.name}")
    return names


@pytest.fixture
def two_merchants():
    a_owner = MembershipFactory()
    a_member = MembershipFactory(merchant=a_owner.merchant, role="buyer")
    application = ApplicationFactory(applicant=a_owner.user)
    document = services.add_document(
        application=application, upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    )
    b_owner = MembershipFactory()
    return {"a_member": a_member, "document": document, "b_owner": b_owner}


def object_of(name: str, data: dict) -> int:
    return {"merchants:document": data["document"].pk}.get(name, data["a_member"].pk)


def test_every_url_with_an_object_id_is_404_for_another_merchant(client, two_merchants):
    names = portal_patterns(with_args=True)
    assert {"merchants:document", "merchants:member_role", "merchants:member_remove"} <= set(names)
    client.force_login(two_merchants["b_owner"].user)
    for name in names:
        url = reverse(name, args=[object_of(name, two_merchants)])
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"role": "owner"} if method == "post" else None)
            assert response.status_code in {404, 405}, (name, method, response.status_code)
            if method == "post" or name == "merchants:document":
                assert response.status_code == 404, (name, method)
    two_merchants["a_member"].refresh_from_db()
    assert two_merchants["a_member"].role == "buyer"


PORTAL_PAGES = ["merchants:home", "merchants:members", "merchants:settings"]


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
