"""A merchant's requests, files and kit are for its members and the designers only; file links are
signed for one person and expire."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from branding import services
from branding.files import file_url
from tests.branding.helpers import png
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_of_a():
    member = MembershipFactory()
    item = services.file_request(
        merchant=member.merchant, by=member.user, data={"logo": True, "brief": "A logo"}, files=[png("ref.png")]
    )
    return member, item


def test_every_branding_url_of_merchant_a_is_404_for_merchant_b(client, request_of_a):
    member, item = request_of_a
    client.force_login(MembershipFactory().user)
    for name, args in [
        ("branding:detail", [item.reference]),
        ("branding:answer_quote", [item.reference]),
        ("branding:changes", [item.reference]),
        ("branding:approve", [item.reference]),
        ("branding:comment", [item.reference]),
        ("branding:proof_sheet", [item.reference, 1]),
    ]:
        url = reverse(name, args=args)
        assert client.get(url).status_code in {404, 405}, name
        assert client.post(url, {"body": "x", "note": "x", "version": 1, "answer": "accept"}).status_code in {404, 405}
    assert item.reference not in client.get(reverse("branding:list")).content.decode()


def test_file_links_are_personal_and_expire(client, staff_client, request_of_a):
    member, item = request_of_a
    stored = item.files.get()
    client.force_login(member.user)
    url = file_url(stored, member.user)
    assert str(stored.pk) not in url.split("/files/")[1].split(":")[0]  # the id is not in clear
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 404  # someone else's link
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        client.force_login(member.user)
        assert client.get(url).status_code == 404  # expired
    designer = staff_client("designer")
    assert designer.get(file_url(stored, designer.staff_user)).status_code == 200
    reviewer = staff_client("reviewer", email="r@store.test")
    assert reviewer.get(file_url(stored, reviewer.staff_user)).status_code == 404
