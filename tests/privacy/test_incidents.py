"""The incident register: detected, contained, notified, closed; affected merchants told in their language."""

from __future__ import annotations

import itertools

import pytest
from django.core import mail
from django.urls import reverse

from merchants.models import Membership
from privacy.errors import IllegalTransition
from privacy.models import Incident
from privacy.services import incidents
from tests.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def new_incident(by, *, notice: str = "A laptop holding your customers' names was stolen.") -> Incident:
    incident = incidents.open_incident(
        incident=Incident(
            title="Laptop stolen", description="A staff laptop was stolen.", data_categories="names", notice=notice
        ),
        by=by,
    )
    incident.affected_merchants.add(MembershipFactory(role=Membership.Role.OWNER).merchant)
    return incident


@pytest.mark.parametrize(("start", "to"), list(itertools.product(Incident.Status.values, Incident.Status.values)))
def test_every_pair_of_stages_follows_the_transition_table(start, to):
    staff = StaffFactory()
    incident = new_incident(staff)
    Incident.objects.filter(pk=incident.pk).update(status=start)
    incident.refresh_from_db()
    if to in incidents.TRANSITIONS[start]:
        moved = incidents.move(incident, to=to, by=staff, note="step")
        assert moved.status == to
        assert getattr(moved, incidents.STAMP[to]) is not None
        assert (moved.events.last().status, moved.events.last().note) == (to, "step")
    else:
        with pytest.raises(IllegalTransition):
            incidents.move(incident, to=to, by=staff)
        incident.refresh_from_db()
        assert incident.status == start


def test_security_registers_an_incident_and_walks_it_to_closure_notifying_the_owners(
    staff_client, django_capture_on_commit_callbacks
):
    owner_fr = MembershipFactory(user=UserFactory(language="fr"), role=Membership.Role.OWNER)
    owner_ar = MembershipFactory(user=UserFactory(language="ar"), role=Membership.Role.OWNER)
    buyer = MembershipFactory(merchant=owner_fr.merchant, role=Membership.Role.BUYER)
    untouched = MembershipFactory(role=Membership.Role.OWNER)
    security = staff_client("security")
    response = security.post(
        reverse("admin:privacy_incident_add"),
        {
            "title": "Misdirected packing slips",
            "severity": "medium",
            "description": "Two slips printed with another merchant's customer.",
            "data_categories": "Customer names and addresses",
            "notice": "Two of your customers' packing slips were printed for the wrong parcel.",
            "affected_merchants": [owner_fr.merchant.pk, owner_ar.merchant.pk],
            "detected_at_0": "2026-03-01",
            "detected_at_1": "09:00:00",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get()
    assert incident.status == "detected" and incident.reported_by == security.staff_user
    for to in ("contained", "notified", "closed"):
        with django_capture_on_commit_callbacks(execute=True):
            security.post(reverse("admin:privacy_incident_step", args=[incident.pk, to]), {"note": f"{to} step"})
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.notices_sent == 2
    assert [e.status for e in incident.events.all()] == ["detected", "contained", "notified", "closed"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner_fr.user.email, owner_ar.user.email])
    assert buyer.user.email not in str([m.to for m in mail.outbox])
    assert untouched.user.email not in str([m.to for m in mail.outbox])
    for message in mail.outbox:
        assert "wrong parcel" in message.body
        assert message.alternatives[0][1] == "text/html"


def test_a_retried_notification_sends_nothing_twice():
    staff = StaffFactory()
    incident = new_incident(staff)
    assert incidents.notify_affected(incident_id=incident.pk) == 1
    assert incidents.notify_affected(incident_id=incident.pk) == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("missing", ["notice", "merchants"])
def test_notifying_needs_a_notice_and_an_affected_merchant(missing, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    incident = new_incident(staff, notice="   " if missing == "notice" else "Your data may have been seen.")
    if missing == "merchants":
        incident.affected_merchants.clear()
    incidents.move(incident, to="contained", by=staff)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(incidents.NoticeIncomplete):
        incidents.move(incident, to="notified", by=staff)
    incident.refresh_from_db()
    assert incident.status == "contained" and incident.notified_at is None
    assert mail.outbox == []


def test_staff_who_notify_without_a_notice_are_told_what_is_missing(staff_client):
    security = staff_client("security")
    incident = new_incident(security.staff_user, notice="")
    incidents.move(incident, to="contained", by=security.staff_user)
    response = security.post(
        reverse("admin:privacy_incident_step", args=[incident.pk, "notified"]), {"note": ""}, follow=True
    )
    assert "write the notice to them and choose at least one affected merchant" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == "contained"


def test_roles_without_incident_management_cannot_move_an_incident(staff_client):
    incident = new_incident(StaffFactory())
    finance = staff_client("finance")
    assert finance.post(reverse("admin:privacy_incident_step", args=[incident.pk, "contained"])).status_code == 403
    incident.refresh_from_db()
    assert incident.status == "detected"
