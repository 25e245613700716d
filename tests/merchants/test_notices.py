"""Merchants' emails go after commit, by task, once: `ApplicationEvent.notified_at`, `Invitation.sent_at`."""

from __future__ import annotations

import pytest
from django.core import mail

from merchants import emails, services, tasks
from tests.factories import MembershipFactory, UserFactory
from tests.merchants.factories import SubmittedApplicationFactory

pytestmark = pytest.mark.django_db


def _ask(application):
    reviewer = UserFactory(is_staff=True)
    services.ask_for_information(application_id=application.pk, reviewer=reviewer, question="Extrait K-bis ?")
    return application.events.get(action="asked")


def test_the_question_goes_only_once_the_transaction_commits(django_capture_on_commit_callbacks):
    application = SubmittedApplicationFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        event = _ask(application)
        assert mail.outbox == [] and event.notified_at is None  # nothing sent inside the transaction
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[application.applicant.email]]
    event.refresh_from_db()
    assert event.notified_at is not None


def test_a_second_run_of_an_application_notice_sends_nothing(django_capture_on_commit_callbacks):
    application = SubmittedApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        event = _ask(application)
    assert len(mail.outbox) == 1
    assert tasks.notify_application_event(event.pk) == 0
    assert len(mail.outbox) == 1


def test_an_application_notice_whose_email_failed_is_sent_by_the_retry(monkeypatch):
    event = _ask(SubmittedApplicationFactory())  # commit callbacks not run: no task yet

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp")

    with monkeypatch.context() as patched:
        patched.setattr("merchants.emails.send_templated_email", smtp_down)
        with pytest.raises(ConnectionRefusedError):
            emails.send_application_notice(event_id=event.pk)
    event.refresh_from_db()
    assert event.notified_at is None and mail.outbox == []  # the marker is cleared for the retry
    assert tasks.notify_application_event(event.pk) == 1
    assert len(mail.outbox) == 1


def _invite(owner):
    return services.invite_member(
        merchant=owner.merchant, email="new@example.test", role="buyer", invited_by=owner.user
    )


def test_an_invitation_goes_once_after_commit_and_a_second_run_sends_nothing(django_capture_on_commit_callbacks):
    owner = MembershipFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = _invite(owner)
        assert mail.outbox == []
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["new@example.test"]]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert tasks.send_invitation(invitation.pk) == 0
    assert len(mail.outbox) == 1


def test_an_invitation_whose_email_failed_is_sent_by_the_retry(monkeypatch):
    invitation = _invite(MembershipFactory())

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp")

    with monkeypatch.context() as patched:
        patched.setattr("merchants.emails.send_templated_email", smtp_down)
        with pytest.raises(ConnectionRefusedError):
            tasks.send_invitation(invitation.pk)
    invitation.refresh_from_db()
    assert invitation.sent_at is None and mail.outbox == []
    assert tasks.send_invitation(invitation.pk) == 1
    assert len(mail.outbox) == 1
