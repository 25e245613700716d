"""The designers' admin: a board by status and deadline, quotes and proofs through the same services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from branding import services
from branding.models import BrandingRequest
from tests.branding.helpers import png, svg_with_script
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_designers_see_the_board_quote_and_send_proofs(staff_client):
    member = MembershipFactory()
    item = services.file_request(merchant=member.merchant, by=member.user, data={"logo": True, "brief": "x"}, files=[])
    client = staff_client("designer")
    board = client.get(reverse("admin:branding_brandingrequest_changelist"), {"status__exact": "submitted"})
    assert item.reference in board.content.decode()
    client.post(
        reverse("admin:branding_brandingrequest_quote", args=[item.pk]),
        {"price": "900", "lead_days": "7", "rounds": "2"},
    )
    services.answer_quote(request_id=item.pk, by=member.user, accept=True)
    refused = client.post(reverse("admin:branding_brandingrequest_proof", args=[item.pk]), {"file": svg_with_script()})
    assert "SVG files are not accepted" in refused.content.decode()
    client.post(reverse("admin:branding_brandingrequest_proof", args=[item.pk]), {"file": png(), "notes": "v1"})
    item.refresh_from_db()
    assert item.status == BrandingRequest.Status.PROOF_SENT
    assert item.proofs.get().sent_by == client.staff_user


def test_staff_without_the_designer_role_cannot_work_on_requests(staff_client):
    member = MembershipFactory()
    item = services.file_request(merchant=member.merchant, by=member.user, data={"logo": True, "brief": "x"}, files=[])
    client = staff_client("finance")
    assert client.get(reverse("admin:branding_brandingrequest_changelist")).status_code == 403
    assert (
        client.post(
            reverse("admin:branding_brandingrequest_quote", args=[item.pk]),
            {"price": "1", "lead_days": "1", "rounds": "1"},
        ).status_code
        == 403
    )
