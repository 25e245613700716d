"""Retention: `purge_expired` and the nightly job delete or anonymise what the registry says has expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from audit import registry
from audit.models import SecurityEvent
from merchants.models import Application, Invitation, User
from privacy.models import DataExport
from privacy.services.retention import purge_expired
from privacy.tasks import purge_expired as purge_task
from tests.factories import MembershipFactory, UserFactory
from tests.merchants.factories import ApplicationFactory, verified_user
from tests.reference_data import seed_migration

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_each_expired_kind_goes_after_its_period_and_not_a_day_before():
    with time_machine.travel(START, tick=False):
        unverified = UserFactory(email="never.confirmed@example.test")
        confirmed = verified_user("confirmed@example.test")
        draft = ApplicationFactory(applicant=confirmed)
        member = MembershipFactory().user
        invitation = Invitation.objects.create(
            merchant=MembershipFactory().merchant, email="nobody@example.test", role="buyer", invited_by=member
        )
        event = SecurityEvent.objects.create(kind="login_failed", ip_address="198.51.100.1")
        session = SessionStore()
        session["_auth_user_id"] = str(member.pk)
        session.set_expiry(60)
        session.create()

    with time_machine.travel(START + timedelta(days=13), tick=False):
        counts = purge_expired()
        assert counts["merchants.user"] == 0
        assert counts["sessions.session"] == 1
        assert User.objects.filter(pk=unverified.pk).exists()

    with time_machine.travel(START + timedelta(days=31), tick=False):
        counts = purge_expired()
        assert counts["merchants.user"] == 1 and not User.objects.filter(pk=unverified.pk).exists()
        assert counts["merchants.invitation"] == 1 and not Invitation.objects.filter(pk=invitation.pk).exists()
        assert User.objects.filter(pk=confirmed.pk).exists(), "a confirmed sign-up stays"
        assert User.objects.filter(pk=member.pk).exists()
        assert Application.objects.filter(pk=draft.pk).exists()

    with time_machine.travel(START + timedelta(days=181), tick=False):
        counts = purge_expired()
        assert counts["merchants.application"] == 1 and not Application.objects.filter(pk=draft.pk).exists()
        assert SecurityEvent.objects.filter(pk=event.pk).exists()

    with time_machine.travel(START + timedelta(days=366), tick=False):
        purge_expired()
        assert not SecurityEvent.objects.filter(pk=event.pk).exists()
    assert not Session.objects.filter(session_key=session.session_key).exists()
    assert EmailAddress.objects.filter(user=confirmed).exists()


def test_expired_exports_lose_their_file(tmp_path, django_capture_on_commit_callbacks, settings):
    from privacy.services.exports import request_export

    user = MembershipFactory().user
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            export = request_export(user=user)
        export.refresh_from_db()
        stored = settings.PRIVATE_MEDIA_ROOT / export.file_name
        assert stored.exists()
    with time_machine.travel(START + timedelta(hours=settings.PRIVACY_EXPORT_LINK_HOURS + 1), tick=False):
        counts = purge_expired()
    assert counts["privacy.dataexport"] == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and export.file_name == ""
    assert not stored.exists()


def test_the_command_prints_counts_per_kind_and_the_total():
    UserFactory(email="old.sign.up@example.test", date_joined=timezone.now() - timedelta(days=60))
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert "merchants.user: 1" in out.getvalue()
    assert "Purged 1 expired record(s)." in out.getvalue()
    assert SecurityEvent.objects.get(kind="retention_purge").details["purged"] == {"merchants.user": 1}


def test_a_nightly_job_runs_the_purge_and_the_backup():
    seed_migration("privacy", "0002_schedules").seed(apps, None)
    seed_migration("privacy", "0002_schedules").seed(apps, None)
    tasks = {t.name: t for t in PeriodicTask.objects.filter(task__startswith="privacy.")}
    assert tasks["Purge expired personal data"].task == "privacy.tasks.purge_expired"
    assert tasks["Purge expired personal data"].crontab.hour == "3"
    assert tasks["Nightly backup"].task == "privacy.tasks.nightly_backup"
    assert len(tasks) == 2
    UserFactory(email="old.sign.up@example.test", date_joined=timezone.now() - timedelta(days=60))
    assert purge_task.delay().get()["merchants.user"] == 1


def test_every_declared_retention_has_a_query_that_runs():
    for entry in registry.entries():
        if entry.expired is not None:
            assert entry.retention is not None
            list(entry.expired()[:1])


def test_an_expired_row_that_another_record_protects_is_kept_and_the_purge_goes_on():
    from privacy.models import ErasureRequest

    protected = UserFactory(email="protected.sign.up@example.test", date_joined=timezone.now() - timedelta(days=60))
    ErasureRequest.objects.create(user=protected)  # PROTECT: the request is the record of the person's wish
    UserFactory(email="free.sign.up@example.test", date_joined=timezone.now() - timedelta(days=60))
    counts = purge_expired()
    assert counts["merchants.user"] == 1 and counts["merchants.user (kept)"] == 1
    assert User.objects.filter(pk=protected.pk).exists()


def test_consignees_are_erased_after_the_period_from_delivery_or_from_the_orders_cancellation(settings):
    from orders.services.lifecycle import cancel_order
    from shipping.models import Consignee, Shipment
    from tests.shipping.helpers import white_label_order, with_consignees

    days = settings.PRIVACY_CONSIGNEE_RETENTION_DAYS
    with time_machine.travel(START, tick=False):
        delivered_order, owner = white_label_order(units=1)
        (delivered,) = with_consignees(delivered_order, owner, 1)
        Shipment.objects.create(
            order=delivered_order,
            merchant=delivered_order.merchant,
            consignee=delivered,
            status=Shipment.Status.DELIVERED,
            carrier="in_house",
            delivered_at=START,
            updated_at=START,
        )
        cancelled_order, owner = white_label_order(units=1)
        (never_shipped,) = with_consignees(cancelled_order, owner, 1)
    with time_machine.travel(START + timedelta(days=10), tick=False):
        cancel_order(order=cancelled_order, by=owner.user, reason="Customer changed their mind")
    ended = {"delivered": (delivered.pk, START), "cancelled": (never_shipped.pk, START + timedelta(days=10))}

    for case, (consignee_id, since) in ended.items():
        with time_machine.travel(since + timedelta(days=days - 1), tick=False):
            purge_expired()
        assert Consignee.objects.get(pk=consignee_id).name != "", f"{case}: kept until the period is over"
        with time_machine.travel(since + timedelta(days=days + 1), tick=False):
            purge_expired()
        consignee = Consignee.objects.get(pk=consignee_id)
        assert (consignee.name, consignee.phone, consignee.address_line1, case) == ("", "", "", case)
        assert consignee.erased_at is not None
