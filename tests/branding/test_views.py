"""The merchant pages: who may open each (anonymous, another merchant, a viewer, a buyer), the list's query
count and pages, and bad input that keeps what was typed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branding import services
from branding.models import BrandingRequest
from tests.branding.helpers import filed, png, to_stage
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db

#: (url name, method, needs owner or buyer, the stage the request must be at for the step to succeed)
VIEWS = [
    ("branding:list", "get", False, None),
    ("branding:new", "get", True, None),
    ("branding:kit", "get", False, None),
    ("branding:kit_restore", "post", True, None),
    ("branding:detail", "get", False, "submitted"),
    ("branding:answer_quote", "post", True, "quoted"),
    ("branding:withdraw", "post", True, "submitted"),
    ("branding:changes", "post", True, "proof_sent"),
    ("branding:approve", "post", True, "proof_sent"),
    ("branding:comment", "post", True, "submitted"),
    ("branding:proof_sheet", "get", False, "proof_sent"),
]
POST_DATA = {"answer": "accept", "note": "Bigger letters", "version": "1", "body": "Hello", "reason": "Later"}


def url_for(name, item):
    if name == "branding:kit_restore":
        return reverse(name, args=[1])
    if name == "branding:proof_sheet":
        return reverse(name, args=[item.reference, 1])
    if item is None or name in {"branding:list", "branding:new", "branding:kit"}:
        return reverse(name)
    return reverse(name, args=[item.reference])


@pytest.fixture
def setting():
    owner = MembershipFactory()
    services.upload_brand_kit(
        merchant=owner.merchant, by=owner.user, logo=None, data={"sender_name": "A", "return_address": "B"}
    )
    return owner, StaffFactory()


def call(client, method, url):
    return client.post(url, POST_DATA) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "method", "writers_only", "stage"), VIEWS)
def test_anonymous_visitors_are_sent_to_sign_in(client, setting, name, method, writers_only, stage):
    owner, staff = setting
    item = to_stage(owner, staff, stage) if stage else None
    response = call(client, method, url_for(name, item))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("name", "method", "writers_only", "stage"), [v for v in VIEWS if v[3]])
def test_a_member_of_another_merchant_gets_404_for_every_request_page(
    client, setting, name, method, writers_only, stage
):
    owner, staff = setting
    item = to_stage(owner, staff, stage)
    client.force_login(MembershipFactory().user)
    assert call(client, method, url_for(name, item)).status_code == 404
    item.refresh_from_db()
    assert item.status == stage
    assert not item.comments.exists()


@pytest.mark.parametrize(("name", "method", "writers_only", "stage"), VIEWS)
def test_a_viewer_reads_but_cannot_act(client, setting, name, method, writers_only, stage):
    owner, staff = setting
    item = to_stage(owner, staff, stage) if stage else None
    client.force_login(MembershipFactory(merchant=owner.merchant, role="viewer").user)
    response = call(client, method, url_for(name, item))
    assert response.status_code == (403 if writers_only else 200)
    if item is not None:
        item.refresh_from_db()
        assert item.status == stage


@pytest.mark.parametrize(("name", "method", "writers_only", "stage"), VIEWS)
def test_a_buyer_may_do_every_step(client, setting, name, method, writers_only, stage):
    owner, staff = setting
    item = to_stage(owner, staff, stage) if stage else None
    client.force_login(MembershipFactory(merchant=owner.merchant, role="buyer").user)
    response = call(client, method, url_for(name, item))
    assert response.status_code == (302 if method == "post" else 200)
    if method == "post" and item is not None:
        item.refresh_from_db()
        assert item.status != stage or name == "branding:comment"


def test_a_signed_in_person_without_a_company_is_told_they_have_no_portal_access(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("branding:list")).status_code == 403


def test_the_list_costs_the_same_queries_for_few_or_many_requests(client, django_assert_num_queries):
    member = MembershipFactory()
    client.force_login(member.user)
    filed(member)
    client.get(reverse("branding:list"))  # warm the session and the translation caches

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("branding:list")).status_code == 200
        return len(queries)

    few = count_queries()
    for _ in range(15):
        filed(member)
    assert count_queries() == few
    with django_assert_num_queries(few):
        client.get(reverse("branding:list"))


def test_the_list_is_paginated_and_newest_first(client):
    member = MembershipFactory()
    references = [filed(member).reference for _ in range(22)]
    client.force_login(member.user)
    first = client.get(reverse("branding:list")).content.decode()
    second = client.get(reverse("branding:list"), {"page": 2}).content.decode()
    assert references[-1] in first and references[0] not in first
    assert references[0] in second and "Page 2 of 2" in second


def test_the_list_shows_only_the_merchants_own_requests(client):
    mine, theirs = MembershipFactory(), MembershipFactory()
    own, other = filed(mine), filed(theirs)
    client.force_login(mine.user)
    page = client.get(reverse("branding:list")).content.decode()
    assert own.reference in page and other.reference not in page


def test_filing_through_the_form_with_a_past_deadline_or_no_kind_keeps_what_was_typed(client):
    member = MembershipFactory()
    client.force_login(member.user)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("branding:new"), {"packaging": "on", "brief": "Kraft bags with our name", "deadline": yesterday}
    )
    assert "The deadline cannot be in the past." in response.content.decode()
    assert "Kraft bags with our name" in response.content.decode()
    response = client.post(reverse("branding:new"), {"brief": "Kraft bags"})
    assert "Choose at least one kind of work" in response.content.decode()
    assert not BrandingRequest.objects.exists()


def test_filing_through_the_form_creates_the_request_with_every_detail(client):
    member = MembershipFactory()
    client.force_login(member.user)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("branding:new"),
        {
            "packaging": "on",
            "conditioning": "on",
            "brief": "Boxes of 6 jars",
            "target_market": "Gift shops in Riyadh",
            "languages": "Arabic, English",
            "colours": "#0b5d3b, gold",
            "quantities": "2,000 boxes",
            "deadline": deadline.isoformat(),
            "reference_files": [png("current-logo.png")],
        },
    )
    item = BrandingRequest.objects.get()
    assert response["Location"] == reverse("branding:detail", args=[item.reference])
    assert (item.packaging, item.conditioning, item.logo, item.printing) == (True, True, False, False)
    assert (item.target_market, item.languages, item.quantities, item.deadline) == (
        "Gift shops in Riyadh",
        "Arabic, English",
        "2,000 boxes",
        deadline,
    )
    assert item.files.get().original_name == "current-logo.png"
    assert item.requested_by == member.user


def test_asking_for_changes_without_a_note_keeps_the_page_and_says_why(client):
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "proof_sent")
    client.force_login(member.user)
    response = client.post(reverse("branding:changes", args=[item.reference]), {"note": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    item.refresh_from_db()
    assert item.status == "proof_sent"


def test_approving_an_outdated_version_is_refused_with_a_message(client):
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "proof_sent")
    services.request_changes(request_id=item.pk, by=member.user, note="x")
    services.send_proof(request_id=item.pk, by=staff, upload=png())
    client.force_login(member.user)
    response = client.post(reverse("branding:approve", args=[item.reference]), {"version": "1"}, follow=True)
    assert "A newer proof has been sent since" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "proof_sent"


def test_the_detail_page_shows_every_version_the_quote_the_thread_and_the_history(client):
    member, staff = MembershipFactory(), StaffFactory()
    item = to_stage(member, staff, "proof_sent")
    services.request_changes(request_id=item.pk, by=member.user, note="Bigger letters")
    services.send_proof(request_id=item.pk, by=staff, upload=png("v2.png"), notes="Bigger")
    services.add_comment(request=item, by=staff, body="Here is v2.")
    client.force_login(member.user)
    page = client.get(reverse("branding:detail", args=[item.reference])).content.decode()
    assert page.count('<li class="proof') == 2
    assert "1500.00 SAR, ready 10 days after you accept, 1 revision rounds included." in page
    assert "Revision rounds used: 1 of 1 included." in page
    assert "Approve version 2" in page
    assert "The revision rounds included in the quote are used up" in page
    assert "Our design team" in page and "Here is v2." in page
    assert "Changes requested" in page and "Bigger letters" in page
    assert staff.email not in page
