"""Each step and comment emails the other side, one person at a time, in that person's language, once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from branding import services, tasks
from branding.models import RequestEvent
from tests.branding.helpers import designer, filed, png
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    owner = MembershipFactory(user__language="fr", merchant__language="fr")
    buyer = MembershipFactory(merchant=owner.merchant, role="buyer", user__language="ar")
    viewer = MembershipFactory(merchant=owner.merchant, role="viewer", user__language="en")
    return owner, buyer, viewer


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def test_a_new_request_reaches_each_designer_in_their_language_and_not_the_merchant(
    team, django_capture_on_commit_callbacks
):
    owner, buyer, _viewer = team
    designer("d-fr@store.test", language="fr")
    designer("d-en@store.test", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        item = filed(owner)
    sent = by_recipient()
    assert set(sent) == {"d-fr@store.test", "d-en@store.test"}
    assert sent["d-fr@store.test"].subject == f"Demande {item.reference} : du nouveau"
    assert sent["d-en@store.test"].subject == f"Branding request {item.reference}: news"
    assert owner.merchant.code in sent["d-en@store.test"].body
    assert f"/admin/branding/brandingrequest/{item.pk}/change/" in sent["d-en@store.test"].body
    html, mimetype = sent["d-en@store.test"].alternatives[0]
    assert mimetype == "text/html" and item.reference in html


def test_a_quote_reaches_every_member_in_their_own_language_without_naming_the_designer(
    team, django_capture_on_commit_callbacks
):
    owner, buyer, viewer = team
    staff = designer("nadia.designer@store.test")
    item = filed(owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_quote(request_id=item.pk, by=staff, price=Decimal("1500"), lead_days=10, rounds=2)
    sent = by_recipient()
    assert set(sent) == {owner.user.email, buyer.user.email, viewer.user.email}
    assert "Notre devis : 1500,00 SAR" in sent[owner.user.email].body
    assert "عرض السعر" in sent[buyer.user.email].body
    assert "Our quote: 1500.00 SAR" in sent[viewer.user.email].body
    assert all("nadia" not in message.body for message in mail.outbox)
    assert f"/portal/branding/{item.reference}/" in sent[viewer.user.email].body


def test_a_round_beyond_the_quote_is_flagged_to_the_designers(team, django_capture_on_commit_callbacks):
    owner, *_ = team
    staff = designer()
    item = filed(owner)
    services.send_quote(request_id=item.pk, by=staff, price=Decimal("500"), lead_days=5, rounds=0)
    services.answer_quote(request_id=item.pk, by=owner.user, accept=True)
    services.send_proof(request_id=item.pk, by=staff, upload=png())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_changes(request_id=item.pk, by=owner.user, note="Another green, please")
    (notice,) = mail.outbox
    assert notice.to == [staff.email]
    assert notice.subject == f"{item.reference}: changes requested beyond the rounds included"
    assert "beyond the 0 included in the quote" in notice.body
    assert "Another green, please" in notice.body


def test_comments_reach_the_other_side_only(team, django_capture_on_commit_callbacks):
    owner, buyer, viewer = team
    staff = designer()
    item = filed(owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(request=item, by=buyer.user, body="Could the box open from the side?")
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert "Could the box open from the side?" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(request=item, by=staff, body="Yes: a sleeve.")
    assert set(by_recipient()) == {owner.user.email, buyer.user.email, viewer.user.email}
    assert "Notre équipe de design a écrit un commentaire" in by_recipient()[owner.user.email].body


def test_a_notice_is_sent_once_even_if_its_task_runs_twice(team, django_capture_on_commit_callbacks):
    owner, *_ = team
    designer()
    with django_capture_on_commit_callbacks(execute=True):
        item = filed(owner)
    assert len(mail.outbox) == 1
    event = RequestEvent.objects.get(request=item)
    tasks.notify_event(event.pk)
    assert len(mail.outbox) == 1
    assert event.__class__.objects.get(pk=event.pk).notified_at is not None


def test_the_person_who_acted_is_not_told_about_their_own_step(team, django_capture_on_commit_callbacks):
    owner, buyer, viewer = team
    staff = designer()
    item = filed(owner)
    services.send_quote(request_id=item.pk, by=staff, price=Decimal("500"), lead_days=5, rounds=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_quote(request_id=item.pk, by=buyer.user, accept=True)
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert "The merchant accepted the quote" in mail.outbox[0].body
