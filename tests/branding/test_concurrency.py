"""On PostgreSQL, with requests racing: brand kit versions stay in order with one active, a proof version is
approved once, and request references never repeat."""

from __future__ import annotations

from decimal import Decimal

import pytest

from branding import services
from branding.models import BrandingRequest, BrandKit, RequestEvent
from tests.branding.helpers import png
from tests.concurrency import run_together
from tests.factories import MembershipFactory, StaffFactory

pytestmark = [pytest.mark.services(needs=("postgres",)), pytest.mark.django_db(transaction=True)]


def test_kits_uploaded_at_the_same_time_get_distinct_versions_and_one_stays_active():
    member = MembershipFactory()
    outcomes = run_together(
        lambda n: services.upload_brand_kit(
            merchant=member.merchant,
            by=member.user,
            logo=None,
            data={"sender_name": f"Name {n}", "return_address": "x"},
        ),
        list(range(6)),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    versions = sorted(BrandKit.objects.filter(merchant=member.merchant).values_list("version", flat=True))
    assert versions == [1, 2, 3, 4, 5, 6]
    active = BrandKit.objects.get(merchant=member.merchant, is_active=True)
    assert active.version == 6


def test_two_members_approving_the_same_proof_at_once_approve_it_once():
    owner, staff = MembershipFactory(), StaffFactory()
    buyer = MembershipFactory(merchant=owner.merchant, role="buyer")
    item = services.file_request(merchant=owner.merchant, by=owner.user, data={"logo": True, "brief": "x"}, files=[])
    services.send_quote(request_id=item.pk, by=staff, price=Decimal("100"), lead_days=3, rounds=1)
    services.answer_quote(request_id=item.pk, by=owner.user, accept=True)
    services.send_proof(request_id=item.pk, by=staff, upload=png())
    outcomes = run_together(
        lambda person: services.approve_proof(request_id=item.pk, by=person, version=1), [owner.user, buyer.user]
    )
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], services.IllegalTransition)
    assert RequestEvent.objects.filter(request=item, action="approved").count() == 1
    assert BrandKit.objects.filter(merchant=owner.merchant).count() == 1


def test_requests_filed_at_the_same_time_get_distinct_references():
    members = [MembershipFactory() for _ in range(5)]
    outcomes = run_together(
        lambda member: services.file_request(
            merchant=member.merchant, by=member.user, data={"printing": True, "brief": "cards"}, files=[]
        ),
        members,
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    references = list(BrandingRequest.objects.values_list("reference", flat=True))
    assert len(set(references)) == 5
