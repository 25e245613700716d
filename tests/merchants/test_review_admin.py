"""Reviewers work the queue in the admin: approve, reject with a reason, ask for more information."""

from __future__ import annotations

import pytest
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
