"""Reviewers work the queue in the admin: approve, reject with a reason, ask for more information."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from merchants import services
from merchants.models import Application, ApplicationEvent, Membership, Merchant
from tests.concurrency import run_together
from tests.factories import UserFactory
from tests.merchants.factories import ApplicationFactory, SubmittedApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_queue_lists_submitted_applications_only(staff_client):
    client = staff_client("reviewer")
    waiting = SubmittedApplicationFactory(legal_name="Waiting Co")
    ApplicationFactory(legal_name="Draft Co")
    page = client.get(reverse("admin:merchants_application_changelist")).content.decode()
    assert "Waiting Co" in page
    assert "Draft Co" not in page
    detail = client.get(reverse("admin:merchants_application_change", args=[waiting.pk])).content.decode()
    assert reverse("admin:merchants_application_approve", args=[waiting.pk]) in detail


def test_a_reviewer_approves_from_the_admin(staff_client):
    client = staff_client("reviewer")
    application = SubmittedApplicationFactory()
    response = client.post(reverse("admin:merchants_application_approve", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.events.get(action=ApplicationEvent.Action.APPROVED).by == client.staff_user


def test_a_reviewer_rejects_with_a_reason_and_asks_questions(staff_client):
    client = staff_client("reviewer")
    first, second = SubmittedApplicationFactory(), SubmittedApplicationFactory()
    client.post(reverse("admin:merchants_application_reject", args=[first.pk]), {"text": "Registration expired"})
    client.post(reverse("admin:merchants_application_ask", args=[second.pk]), {"text": "Please send your VAT file"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.rejection_reason) == (Application.Status.REJECTED, "Registration expired")
    assert (second.status, second.question) == (Application.Status.NEEDS_INFO, "Please send your VAT file")


def test_staff_without_the_reviewer_role_cannot_decide(staff_client):
    client = staff_client("designer")
    application = SubmittedApplicationFactory()
    assert client.post(reverse("admin:merchants_application_approve", args=[application.pk])).status_code == 403
    assert client.get(reverse("admin:merchants_application_changelist")).status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_reviewer_cannot_approve_their_own_application_in_the_admin(staff_client):
    client = staff_client("reviewer")
    application = SubmittedApplicationFactory(applicant=client.staff_user)
    client.post(reverse("admin:merchants_application_approve", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


@pytest.mark.services(needs=("postgres",))
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_the_same_time_create_exactly_one_merchant():
    application = SubmittedApplicationFactory()
    reviewers = [UserFactory(is_staff=True), UserFactory(is_staff=True)]
    outcomes = run_together(
        lambda reviewer: services.approve_application(application_id=application.pk, reviewer=reviewer), reviewers
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["IllegalTransition", "Merchant"]
    assert Merchant.objects.count() == 1
    assert Membership.objects.count() == 1
    assert ApplicationEvent.objects.filter(action=ApplicationEvent.Action.APPROVED).count() == 1


def test_approval_is_confirmed_on_its_own_page_and_the_note_is_recorded_with_the_address(staff_client):
    client = staff_client("reviewer")
    application = SubmittedApplicationFactory()
    url = reverse("admin:merchants_application_approve", args=[application.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Approve the application" in page.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED  # opening the page decides nothing

    client.post(url, {"text": "Documents checked against the CR register."}, REMOTE_ADDR="10.1.2.3")
    event = application.events.get(action=ApplicationEvent.Action.APPROVED)
    assert (event.by, event.note, event.ip_address) == (
        client.staff_user,
        "Documents checked against the CR register.",
        "10.1.2.3",
    )
    assert event.at is not None


def test_a_rejection_without_a_reason_is_refused(staff_client):
    client = staff_client("reviewer")
    application = SubmittedApplicationFactory()
    response = client.post(reverse("admin:merchants_application_reject", args=[application.pk]), {"text": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not application.events.exists()


def test_a_second_approval_from_the_admin_says_so_and_creates_nothing(staff_client):
    client = staff_client("reviewer")
    application = SubmittedApplicationFactory()
    url = reverse("admin:merchants_application_approve", args=[application.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "This application cannot move to that state now." in response.content.decode()
    assert Merchant.objects.count() == 1


def test_the_queue_costs_the_same_queries_however_long_it_is(staff_client, django_assert_num_queries):
    client = staff_client("reviewer")
    url = reverse("admin:merchants_application_changelist")
    SubmittedApplicationFactory.create_batch(2)
    client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as short_queue:
        client.get(url)
    SubmittedApplicationFactory.create_batch(40)
    with django_assert_num_queries(len(short_queue)):
        response = client.get(url)
    assert response.content.decode().count("Applicant Company") == 42
