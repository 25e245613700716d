"""Privacy's emails go after commit, by task, once, on a marker of the row they are about; a failure is retried."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from merchants.models import Membership
from portal.emails import send_templated_email
from privacy import tasks
from privacy.models import DataExport, ErasureRequest, Incident, IncidentNotice, SecurityAlert
from privacy.services import erasure, incidents
from tests.factories import MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def smtp_down_for(*addresses):
    """The mail server refuses these addresses (all when none is named); others go out as usual."""

    def send(*args, **kwargs):
        if not addresses or set(kwargs["to"]) & set(addresses):
            raise ConnectionRefusedError("smtp")
        send_templated_email(*args, **kwargs)

    return send


def _notified_incident(owners):
    staff = StaffFactory()
    incident = incidents.open_incident(
        incident=Incident(title="Laptop stolen", description="Stolen.", notice="A laptop was stolen."), by=staff
    )
    incident.affected_merchants.add(*[owner.merchant for owner in owners])
    incidents.move(incident, to="contained", by=staff)
    incidents.move(incident, to="notified", by=staff)
    return incident


def test_the_incident_notice_waits_for_the_commit_and_goes_once_per_owner(django_capture_on_commit_callbacks):
    owners = [MembershipFactory(role=Membership.Role.OWNER) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        incident = _notified_incident(owners)
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.user.email for o in owners)
    assert tasks.notify_incident(incident.pk) == 0
    assert len(mail.outbox) == 2
    incident.refresh_from_db()
    assert incident.notices_sent == 2
    assert IncidentNotice.objects.filter(incident=incident, sent_at__isnull=False).count() == 2


def test_a_failed_incident_notice_is_sent_by_the_retry_and_the_others_not_again(monkeypatch):
    owners = [MembershipFactory(role=Membership.Role.OWNER) for _ in range(2)]
    incident = _notified_incident(owners)  # commit callbacks not run: no task yet
    with monkeypatch.context() as patched:
        patched.setattr("privacy.services.incidents.send_templated_email", smtp_down_for(owners[1].user.email))
        with pytest.raises(ConnectionRefusedError):
            incidents.notify_affected(incident_id=incident.pk)
    assert [m.to for m in mail.outbox] == [[owners[0].user.email]]
    failed = IncidentNotice.objects.get(incident=incident, membership=owners[1])
    assert failed.sent_at is None
    assert IncidentNotice.objects.get(incident=incident, membership=owners[0]).sent_at is not None
    assert incidents.notify_affected(incident_id=incident.pk) == 1
    assert [m.to for m in mail.outbox] == [[owners[0].user.email], [owners[1].user.email]]
    incident.refresh_from_db()
    assert incident.notices_sent == 2


@pytest.fixture
def alert():
    StaffFactory(email="sec@store.test").groups.add(Group.objects.get_or_create(name="security")[0])
    return SecurityAlert.objects.create(rule="failure_burst", subject="ip:abc", message="Burst of failures")


def test_a_security_alert_goes_once(alert):
    assert tasks.send_security_alert(alert.pk) == 1
    assert tasks.send_security_alert(alert.pk) == 0
    assert [m.to for m in mail.outbox] == [["sec@store.test"]]
    alert.refresh_from_db()
    assert alert.sent_at is not None and alert.recipients == 1


def test_a_security_alert_whose_email_failed_is_sent_by_the_retry(alert, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr("privacy.services.alerts.send_templated_email", smtp_down_for())
        with pytest.raises(ConnectionRefusedError):
            tasks.send_security_alert(alert.pk)
    alert.refresh_from_db()
    assert alert.sent_at is None
    assert tasks.send_security_alert(alert.pk) == 1
    assert len(mail.outbox) == 1


def test_the_export_link_goes_once_and_is_retried_after_a_failure(monkeypatch):
    export = DataExport.objects.create(
        user=UserFactory(), status="ready", ready_at=timezone.now(), expires_at=timezone.now() + timedelta(days=2)
    )
    with monkeypatch.context() as patched:
        patched.setattr("privacy.services.exports.send_templated_email", smtp_down_for())
        with pytest.raises(ConnectionRefusedError):
            tasks.email_export_link(export.pk)
    export.refresh_from_db()
    assert export.link_sent_at is None
    assert tasks.email_export_link(export.pk) == 1
    assert tasks.email_export_link(export.pk) == 0
    assert [m.to for m in mail.outbox] == [[export.user.email]]


def test_the_erasure_decision_goes_once_after_commit_and_forgets_the_address(django_capture_on_commit_callbacks):
    member = UserFactory()
    request_ = ErasureRequest.objects.create(user=member, reason="Leaving", language="en")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        erasure.reject(erasure=request_, by=StaffFactory(), note="An order is still open")
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert tasks.report_erasure(request_.pk) == 0
    assert len(mail.outbox) == 1
    request_.refresh_from_db()
    assert request_.reported_at is not None and request_.report_to == ""
