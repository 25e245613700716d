"""The designers' admin: a board by status and deadline, quotes, proofs and moves through the same services,
each step recorded with who and from where; bulk actions; finance and others stay out."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branding import services
from branding.models import BrandingRequest
from tests.branding.helpers import filed, pdf, png, svg_with_script, to_stage
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def admin_url(name, *args):
    return reverse(f"admin:branding_brandingrequest_{name}", args=args)


def test_the_board_shows_open_requests_by_status_then_deadline(staff_client):
    member, staff = MembershipFactory(), StaffFactory()
    late = filed(member, deadline=TODAY() - datetime.timedelta(days=2))
    soon = filed(member, deadline=TODAY() + datetime.timedelta(days=3))
    undated = filed(member)
    in_design = to_stage(member, staff, "in_design")
    gone = to_stage(member, staff, "quoted")
    services.answer_quote(request_id=gone.pk, by=member.user, accept=False)
    client = staff_client("designer")
    page = client.get(admin_url("board")).content.decode()
    submitted_column = page.split("Submitted", 1)[1].split("</section>", 1)[0]
    positions = [submitted_column.index(r.reference) for r in (late, soon, undated)]
    assert positions == sorted(positions)
    assert "overdue" in submitted_column.split(soon.reference)[0]
    assert in_design.reference in page.split("In design", 1)[1].split("</section>", 1)[0]
    assert gone.reference not in page


def test_the_board_and_the_list_cost_the_same_queries_for_few_or_many_requests(staff_client, django_assert_num_queries):
    member = MembershipFactory()
    client = staff_client("designer")
    filed(member)
    client.get(admin_url("board"))
    client.get(admin_url("changelist"))

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = {name: count(admin_url(name)) for name in ("board", "changelist")}
    for _ in range(12):
        filed(MembershipFactory())
    assert {name: count(admin_url(name)) for name in ("board", "changelist")} == few
    with django_assert_num_queries(few["board"]):
        client.get(admin_url("board"))


def test_the_list_filters_overdue_work_and_rounds_beyond_the_quote(staff_client):
    member, staff = MembershipFactory(), StaffFactory()
    late = filed(member, deadline=TODAY() - datetime.timedelta(days=1))
    on_time = filed(member, deadline=TODAY() + datetime.timedelta(days=20))
    extra = to_stage(member, staff, "proof_sent")  # 1 round included
    for version in (2, 3):
        services.request_changes(request_id=extra.pk, by=member.user, note="again")
        services.send_proof(request_id=extra.pk, by=staff, upload=png(f"v{version}.png"))
    client = staff_client("designer")
    overdue = client.get(admin_url("changelist"), {"due": "overdue"}).content.decode()
    assert late.reference in overdue and on_time.reference not in overdue
    flagged = client.get(admin_url("changelist"), {"rounds": "extra"}).content.decode()
    assert extra.reference in flagged and late.reference not in flagged
    assert "1 extra" in flagged
    assert "beyond those included in the quote" in client.get(admin_url("change", extra.pk)).content.decode()


def test_a_designer_quotes_sends_proofs_and_moves_forward_in_the_admin(staff_client):
    member = MembershipFactory()
    item = filed(member, logo=True)
    client = staff_client("designer")
    change = client.get(admin_url("change", item.pk)).content.decode()
    assert "Send a quote" in change and "Send a proof" not in change
    client.post(admin_url("quote", item.pk), {"price": "900", "lead_days": "7", "rounds": "2", "note": "Two concepts"})
    item.refresh_from_db()
    assert (item.status, item.quote_price, item.quote_note) == ("quoted", 900, "Two concepts")
    assert item.events.last().by == client.staff_user
    assert item.events.last().ip_address == "127.0.0.1"
    services.answer_quote(request_id=item.pk, by=member.user, accept=True)
    refused = client.post(admin_url("proof", item.pk), {"file": svg_with_script()}).content.decode()
    assert "This SVG contains a script" in refused
    refused = client.post(admin_url("proof", item.pk), {"file": pdf()}).content.decode()
    assert "attach the logo artwork beside the PDF" in refused
    refused = client.post(admin_url("proof", item.pk), {"file": png(size=(300, 200))}).content.decode()
    assert "too small to print sharply" in refused
    client.post(admin_url("proof", item.pk), {"file": pdf(), "artwork": png("logo.png"), "notes": "First idea"})
    item.refresh_from_db()
    proof = item.proofs.get()
    assert (item.status, proof.version, proof.sent_by, proof.notes) == (
        "proof_sent",
        1,
        client.staff_user,
        "First idea",
    )
    page = client.get(admin_url("change", item.pk)).content.decode()
    assert "mockup.pdf" in page and "logo-print.png" in page
    services.approve_proof(request_id=item.pk, by=member.user, version=1)
    refused = client.post(admin_url("advance", item.pk), {"status": "cancelled", "note": ""}).content.decode()
    assert "Say why the request is cancelled" in refused
    client.post(admin_url("advance", item.pk), {"status": "in_production", "note": "Printer booked"})
    item.refresh_from_db()
    assert item.status == "in_production"
    assert item.events.last().note == "Printer booked"


def test_a_designer_comments_in_the_admin_and_the_merchant_reads_it(staff_client, client):
    member = MembershipFactory()
    item = filed(member)
    designer = staff_client("designer")
    designer.post(admin_url("comment", item.pk), {"body": "Which green exactly?"})
    assert item.comments.get().author == designer.staff_user
    client.force_login(member.user)
    assert "Which green exactly?" in client.get(reverse("branding:detail", args=[item.reference])).content.decode()


def test_bulk_actions_move_what_they_can_and_name_what_they_could_not(staff_client):
    member, staff = MembershipFactory(), StaffFactory()
    approved = to_stage(member, staff, "approved")
    submitted = filed(member)
    client = staff_client("designer")
    response = client.post(
        admin_url("changelist"),
        {"action": "start_production", "_selected_action": [approved.pk, submitted.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 request(s) moved." in page
    assert f"Not possible at their stage: {submitted.reference}." in page
    approved.refresh_from_db()
    submitted.refresh_from_db()
    assert (approved.status, submitted.status) == ("in_production", "submitted")
    assert approved.events.last().by == client.staff_user


def test_staff_without_the_designer_role_cannot_work_on_requests(staff_client):
    item = filed(MembershipFactory())
    client = staff_client("finance")
    assert client.get(admin_url("changelist")).status_code == 403
    for name, data in (
        ("quote", {"price": "1", "lead_days": "1", "rounds": "1"}),
        ("proof", {"file": png()}),
        ("advance", {"status": "cancelled", "note": "x"}),
        ("comment", {"body": "x"}),
    ):
        assert client.post(admin_url(name, item.pk), data).status_code == 403, name
    item.refresh_from_db()
    assert item.status == BrandingRequest.Status.SUBMITTED


def test_brand_kits_in_the_admin_mask_the_return_address_for_designers(staff_client):
    member = MembershipFactory()
    kit = services.upload_brand_kit(
        merchant=member.merchant,
        by=member.user,
        logo=None,
        data={"sender_name": "Souk Select", "return_address": "12 Rue des Potiers, Fès"},
    )
    client = staff_client("designer")
    page = client.get(reverse("admin:branding_brandkit_change", args=[kit.pk])).content.decode()
    assert "Souk Select" in page
    assert "Potiers" not in page
