"""A branding request from filing to delivery: the transition table walked pair by pair, quotes, proof
versions, changes and revision rounds, approval of an exact version, and the recorded history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from branding import services
from branding.models import BrandingRequest, RequestEvent
from portal import state
from tests.branding.helpers import designer, filed, pdf, png, to_stage
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db
Status = BrandingRequest.Status


@pytest.mark.parametrize(("start", "to"), [(a, b) for a in Status.values for b in Status.values])
def test_every_pair_of_stages_follows_the_one_transition_table(start, to):
    member = MembershipFactory()
    item = filed(member)
    BrandingRequest.objects.filter(pk=item.pk).update(status=start)  # arrange only: the stage under test
    item.refresh_from_db()
    events_before = item.events.count()
    if to in services.TRANSITIONS[start]:
        event = services.move(item, to=to, by=member.user, note="why")
        item.refresh_from_db()
        assert item.status == to
        assert (event.status, event.by, event.note) == (to, member.user, "why")
    else:
        with pytest.raises(services.IllegalTransition) as refused:
            services.move(item, to=to, by=member.user)
        assert refused.value.code == "illegal_transition"
        assert (refused.value.current, refused.value.to) == (start, to)
        item.refresh_from_db()
        assert item.status == start
        assert item.events.count() == events_before


def test_the_database_refuses_a_stage_it_does_not_know():
    item = filed(MembershipFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        BrandingRequest.objects.filter(pk=item.pk).update(status="lost")
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestEvent.objects.filter(request=item).update(status="lost")


def test_the_requests_machine_is_the_one_table_and_its_refusal_is_the_shared_one():
    assert services.REQUEST.table == services.TRANSITIONS
    assert issubclass(services.IllegalTransition, state.IllegalTransition)


def test_the_table_is_the_flow_of_the_issue():
    assert services.TRANSITIONS == {
        "submitted": {"quoted", "cancelled"},
        "quoted": {"in_design", "cancelled"},
        "in_design": {"proof_sent", "cancelled"},
        "proof_sent": {"changes_requested", "approved", "cancelled"},
        "changes_requested": {"proof_sent", "cancelled"},
        "approved": {"in_production", "cancelled"},
        "in_production": {"delivered"},
        "delivered": set(),
        "cancelled": set(),
    }


def test_filing_numbers_requests_and_records_who_and_from_where():
    member = MembershipFactory()
    first = services.file_request(
        merchant=member.merchant,
        by=member.user,
        data={"printing": True, "brief": "Thank-you cards"},
        files=[],
        ip="203.0.113.9",
    )
    second = filed(member)
    assert first.reference.startswith("BR-") and first.reference != second.reference
    event = first.events.get()
    assert (event.action, event.by, event.ip_address) == ("filed", member.user, "203.0.113.9")


def test_a_request_needs_at_least_one_kind_of_work_in_the_service_and_the_database():
    member = MembershipFactory()
    with pytest.raises(services.NoKind):
        services.file_request(merchant=member.merchant, by=member.user, data={"brief": "x"}, files=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        BrandingRequest.objects.create(merchant=member.merchant, requested_by=member.user, reference="BR-X", brief="x")


def test_the_merchant_accepts_a_quote_and_design_starts():
    member, staff = MembershipFactory(), StaffFactory()
    item = filed(member)
    services.send_quote(
        request_id=item.pk, by=staff, price=Decimal("1499.5"), lead_days=12, rounds=3, note="Two concepts"
    )
    services.answer_quote(request_id=item.pk, by=member.user, accept=True)
    item.refresh_from_db()
    assert item.status == "in_design"
    assert (item.quote_price, item.quote_lead_days, item.revision_rounds_included) == (Decimal("1499.50"), 12, 3)
    assert list(item.events.values_list("action", flat=True)) == ["filed", "quoted", "quote_accepted"]


def test_the_merchant_declines_a_quote_and_the_request_is_cancelled():
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "quoted")
    services.answer_quote(request_id=item.pk, by=member.user, accept=False)
    item.refresh_from_db()
    assert item.status == "cancelled"
    assert item.events.last().action == "quote_declined"


def test_a_quote_cannot_be_answered_twice_or_before_it_is_sent():
    member, staff = MembershipFactory(), StaffFactory()
    item = filed(member)
    with pytest.raises(services.BrandingError):
        services.answer_quote(request_id=item.pk, by=member.user, accept=True)
    services.send_quote(request_id=item.pk, by=staff, price=Decimal("10"), lead_days=1, rounds=0)
    services.answer_quote(request_id=item.pk, by=member.user, accept=True)
    with pytest.raises(services.BrandingError):
        services.answer_quote(request_id=item.pk, by=member.user, accept=False)


def test_a_negative_quote_is_refused():
    member, staff = MembershipFactory(), StaffFactory()
    item = filed(member)
    with pytest.raises(services.BrandingError):
        services.send_quote(request_id=item.pk, by=staff, price=Decimal("-1"), lead_days=5, rounds=1)
    item.refresh_from_db()
    assert item.status == "submitted"


def test_each_proof_is_a_new_version_and_earlier_versions_stay():
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "proof_sent")
    services.request_changes(request_id=item.pk, by=member.user, note="Bigger letters")
    second = services.send_proof(request_id=item.pk, by=staff, upload=png("v2.png", "#c9a227"), notes="bigger")
    item.refresh_from_db()
    assert [(p.version, p.file.original_name, p.notes) for p in item.proofs.all()] == [
        (1, "v1.png", "v1"),
        (2, "v2.png", "bigger"),
    ]
    assert (second.sent_by, second.sent_at is not None) == (staff, True)


def test_approval_names_the_exact_latest_version():
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "proof_sent")
    services.request_changes(request_id=item.pk, by=member.user, note="Bigger letters")
    services.send_proof(request_id=item.pk, by=staff, upload=png("v2.png"))
    with pytest.raises(services.NotLatestVersion):
        services.approve_proof(request_id=item.pk, by=member.user, version=1)
    with pytest.raises(services.UnknownVersion):
        services.approve_proof(request_id=item.pk, by=member.user, version=7)
    services.approve_proof(request_id=item.pk, by=member.user, version=2, ip="198.51.100.4")
    item.refresh_from_db()
    assert item.status == "approved"
    assert item.approved_proof.version == 2
    assert (item.approved_proof.approved_by, item.approved_proof.approved_at is not None) == (member.user, True)
    assert item.proofs.get(version=1).approved_at is None
    event = item.events.last()
    assert (event.action, event.note, event.by, event.ip_address) == ("approved", "v2", member.user, "198.51.100.4")


def test_changes_count_revision_rounds_and_rounds_beyond_the_quote_are_flagged():
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "proof_sent")  # the quote included 1 round
    services.request_changes(request_id=item.pk, by=member.user, note="Round one")
    services.send_proof(request_id=item.pk, by=staff, upload=png("v2.png"))
    services.request_changes(request_id=item.pk, by=member.user, note="Round two")
    item.refresh_from_db()
    assert (item.revision_rounds_used, item.extra_rounds) == (2, 1)
    flags = list(item.events.filter(action="changes_requested").values_list("note", "extra_round"))
    assert flags == [("Round one", False), ("Round two", True)]


def test_asking_for_changes_needs_a_note():
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "proof_sent")
    with pytest.raises(services.BrandingError):
        services.request_changes(request_id=item.pk, by=member.user, note="  ")


def test_a_logo_proof_sent_as_pdf_needs_the_logo_artwork_beside_it():
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "in_design")
    with pytest.raises(services.ArtworkMissing):
        services.send_proof(request_id=item.pk, by=staff, upload=pdf())
    item.refresh_from_db()
    assert (item.status, item.proofs.count()) == ("in_design", 0)
    proof = services.send_proof(request_id=item.pk, by=staff, upload=pdf(), artwork=png("logo-alone.png"))
    assert proof.file.content_type == "application/pdf"
    assert proof.artwork.content_type == "image/png"


def test_a_packaging_only_proof_may_be_a_pdf_without_artwork():
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "in_design", logo=False)
    proof = services.send_proof(request_id=item.pk, by=staff, upload=pdf())
    assert proof.artwork is None
    assert services.approve_proof(request_id=item.pk, by=member.user, version=1) is None


def test_staff_move_forward_only_to_production_delivered_or_cancelled_with_a_reason():
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "approved")
    with pytest.raises(services.NotStaffMove):
        services.advance(request_id=item.pk, by=staff, to="approved")
    with pytest.raises(services.BrandingError):
        services.advance(request_id=item.pk, by=staff, to="cancelled", note="")
    services.advance(request_id=item.pk, by=staff, to="in_production")
    services.advance(request_id=item.pk, by=staff, to="delivered", note="Boxes delivered to Jeddah")
    item.refresh_from_db()
    assert item.status == "delivered"
    assert list(item.events.values_list("action", flat=True))[-2:] == ["in_production", "delivered"]


def test_the_merchant_withdraws_only_a_request_not_yet_quoted():
    member, staff = MembershipFactory(), StaffFactory()
    item = filed(member)
    services.withdraw_request(request_id=item.pk, by=member.user, reason="Not this year")
    item.refresh_from_db()
    assert (item.status, item.events.last().action, item.events.last().note) == (
        "cancelled",
        "withdrawn",
        "Not this year",
    )
    quoted = to_stage(member, staff, "quoted")
    with pytest.raises(services.BrandingError):
        services.withdraw_request(request_id=quoted.pk, by=member.user)


def test_comments_form_one_thread_and_an_empty_comment_is_refused():
    member = MembershipFactory()
    staff = designer()
    item = filed(member)
    services.add_comment(request=item, by=member.user, body="Can we see a kraft paper option?")
    services.add_comment(request=item, by=staff, body="Yes, in v2.")
    with pytest.raises(services.BrandingError):
        services.add_comment(request=item, by=member.user, body="   ")
    assert [c.body for c in item.comments.all()] == ["Can we see a kraft paper option?", "Yes, in v2."]


def test_history_records_who_when_and_why_for_every_step():
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "delivered")
    rows = list(RequestEvent.objects.filter(request=item).values_list("action", "by"))
    assert rows == [
        ("filed", member.user.pk),
        ("quoted", staff.pk),
        ("quote_accepted", member.user.pk),
        ("proof_sent", staff.pk),
        ("approved", member.user.pk),
        ("in_production", staff.pk),
        ("delivered", staff.pk),
    ]
    assert all(e.at is not None for e in item.events.all())
