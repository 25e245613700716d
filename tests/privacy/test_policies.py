"""Versioned policies: published by staff, read in three languages, diffed, accepted per version."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from merchants.models import Membership
from privacy import demo
from privacy.models import PolicyAcceptance, PolicyVersion
from privacy.services import policies
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def publish(kind="privacy", body="We keep your data safe.", days_ago=10, by=None):
    version = policies.create_draft(
        kind=kind,
        effective_at=timezone.now() - timedelta(days=days_ago),
        bodies={"en": body, "fr": "Texte " + body, "ar": "نص " + body},
    )
    return policies.publish(version=version, by=by)


def member_client(user=None) -> Client:
    membership = MembershipFactory(**({"user": user} if user else {}), role=Membership.Role.VIEWER)
    client = Client()
    client.force_login(membership.user)
    client.user = membership.user
    return client


def test_staff_with_the_role_draft_and_publish_a_version_and_it_becomes_read_only(staff_client):
    security = staff_client("security")
    response = security.post(
        reverse("admin:privacy_policyversion_add"),
        {
            "kind": "security",
            "effective_at_0": "2026-01-01",
            "effective_at_1": "00:00:00",
            "body_en": "Our security promises.",
            "body_fr": "Nos engagements de sécurité.",
            "body_ar": "التزاماتنا الأمنية.",
        },
    )
    assert response.status_code == 302
    version = PolicyVersion.objects.get(kind="security")
    assert version.version == 1 and not version.is_published
    assert security.get(reverse("admin:privacy_policyversion_publish", args=[version.pk])).status_code == 200
    security.post(reverse("admin:privacy_policyversion_publish", args=[version.pk]))
    version.refresh_from_db()
    assert version.published_by == security.staff_user
    page = security.get(reverse("admin:privacy_policyversion_change", args=[version.pk])).content.decode()
    assert 'name="body_en"' not in page


def test_a_role_without_the_permission_cannot_publish(staff_client):
    version = policies.create_draft(kind="terms", effective_at=timezone.now(), bodies={"en": "a", "fr": "b", "ar": "c"})
    designer = staff_client("designer")
    assert designer.post(reverse("admin:privacy_policyversion_publish", args=[version.pk])).status_code == 403
    version.refresh_from_db()
    assert not version.is_published


def test_the_policy_page_shows_the_version_in_force_in_the_readers_language(client):
    publish(body="First text.")
    publish(body="Second text.", days_ago=1)
    publish(body="Future text.", days_ago=-5)
    page = client.get("/policies/privacy/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Texte Second text." in page and "Future" not in page
    assert client.get("/policies/privacy/v1/").status_code == 200
    assert client.get("/policies/nonsense/").status_code == 404
    assert client.get("/policies/privacy/v9/").status_code == 404
    assert client.get("/policies/privacy/v3/").status_code == 200  # published, announced ahead of its date


def test_the_diff_marks_added_and_removed_words_with_classes_only():
    html = policies.diff_html(
        "We keep your data safe.\n\nWe never sell it.\n\nWrite to us.",
        "We keep your data safe and encrypted.\n\nWe never sell it.",
    )
    assert '<ins class="diff-added"> and encrypted</ins>' in html
    assert '<p class="diff-removed"><del>Write to us.</del></p>' in html
    assert '<p class="diff-same">We never sell it.</p>' in html
    assert "style=" not in html


def test_the_diff_escapes_policy_text():
    html = policies.diff_html("", "<script>alert(1)</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_changes_page_is_readable_in_each_language(client):
    publish(body="We keep your data safe.\n\nWe never sell it.")
    publish(body="We keep your data safe and encrypted.\n\nWe never sell it.", days_ago=1)
    page = client.get("/policies/privacy/v2/changes/").content.decode()
    assert '<ins class="diff-added"> and encrypted</ins>' in page
    assert "style=" not in page
    assert "Texte" in client.get("/policies/privacy/v2/changes/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()


def test_members_see_a_new_version_at_their_next_visit_and_continued_use_is_recorded(client):
    publish(body="Version one.")
    member = member_client()
    member.get("/privacy/")
    first = PolicyAcceptance.objects.get(user=member.user)
    assert first.method == PolicyAcceptance.Method.CONTINUED_USE

    second = publish(body="Version two.", days_ago=0)
    response = member.get("/privacy/")
    page = response.content.decode()
    assert reverse("policies:changes", args=["privacy", 2]) in page
    assert PolicyAcceptance.objects.get(user=member.user, version=second).method == "continued_use"
    # Told once: the next page says nothing more.
    assert reverse("policies:changes", args=["privacy", 2]) not in member.get("/privacy/").content.decode()


def test_checking_for_new_versions_costs_no_query_once_the_session_knows_them(django_assert_num_queries):
    publish(body="Version one.")
    member = member_client()
    member.get("/privacy/")
    session = member.session
    assert session.get("_auth_user_id")  # the session is loaded on every request anyway
    with django_assert_num_queries(0):
        assert policies.note_continued_use(user=member.user, session=session) == []


def test_a_member_accepts_a_version_explicitly_from_the_privacy_centre():
    version = publish()
    member = member_client()
    member.get("/privacy/")
    member.post(reverse("privacy:policy_accept", args=[version.pk]))
    acceptance = PolicyAcceptance.objects.get(user=member.user, version=version)
    assert acceptance.method == PolicyAcceptance.Method.EXPLICIT


def test_an_unpublished_version_cannot_be_accepted_or_read():
    draft = policies.create_draft(kind="terms", effective_at=timezone.now(), bodies={"en": "a", "fr": "b", "ar": "c"})
    member = member_client()
    assert member.post(reverse("privacy:policy_accept", args=[draft.pk])).status_code == 404
    assert member.get("/policies/terms/v1/").status_code == 404


def test_the_demo_policies_seed_is_idempotent_and_complete(client):
    demo.seed()
    demo.seed()
    assert PolicyVersion.objects.count() == 4
    for version in PolicyVersion.objects.all():
        assert version.is_published and version.body_en and version.body_fr and version.body_ar
    for kind in ("security", "privacy", "terms"):
        assert client.get(f"/policies/{kind}/", HTTP_ACCEPT_LANGUAGE="ar").status_code == 200
    page = client.get("/policies/privacy/v2/changes/").content.decode()
    assert "diff-added" in page


def test_staff_visits_record_no_acceptance(staff_client):
    publish()
    staff_client("security").get("/policies/privacy/")
    staff_client("security").get("/admin/")
    assert not PolicyAcceptance.objects.exists()
