"""Non-members get no portal page (object isolation across every app: tests/test_isolation_all_urls.py)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver, reverse

from merchants.models import Application
from tests.factories import UserFactory
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
