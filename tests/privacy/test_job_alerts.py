"""A scheduled job that fails for good (after its retries) alerts the security role by email."""

from __future__ import annotations

import pytest
from celery import shared_task
from django.apps import apps
from django.core import mail
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from portal.staff import create_staff_member
from privacy.models import SecurityAlert
from privacy.tasks import nightly_backup
from tests.reference_data import seed_migration

pytestmark = pytest.mark.django_db


@shared_task(name="tests.privacy.hourly_job_that_fails")
def hourly_job_that_fails() -> None:
    raise RuntimeError("the carrier's tracking feed is down")


def scheduled(task: str) -> PeriodicTask:
    every_hour, _created = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    return PeriodicTask.objects.create(name=f"Run {task}", task=task, interval=every_hour)


@pytest.fixture
def guard():
    create_staff_member(email="guard@store.test", roles=["security"])
    create_staff_member(email="designer@store.test", roles=["designer"])


def test_a_failed_nightly_backup_emails_the_security_role(
    guard, settings, tmp_path, django_capture_on_commit_callbacks
):
    seed_migration("privacy", "0002_schedules").seed(apps, None)
    not_a_folder = tmp_path / "backups"
    not_a_folder.write_text("a file where the backups should go")
    settings.BACKUP_DIR = not_a_folder
    with django_capture_on_commit_callbacks(execute=True):
        # The last attempt (a worker runs the earlier ones as retries, which are not failures yet).
        result = nightly_backup.apply(retries=nightly_backup.max_retries, throw=False)
    assert result.failed()
    alert = SecurityAlert.objects.get()
    assert alert.rule == "job_failed"
    assert alert.details["task"] == "privacy.tasks.nightly_backup"
    assert alert.details["error"] == "FileExistsError"
    assert alert.sent_at is not None and alert.recipients == 1
    assert [m.to for m in mail.outbox] == [["guard@store.test"]]
    assert "Scheduled job failed" in mail.outbox[0].subject
    assert (
        "The scheduled job privacy.tasks.nightly_backup failed after its retries (FileExistsError)"
        in mail.outbox[0].body
    )


def test_any_beat_scheduled_job_that_fails_alerts_once_within_the_hour(guard, django_capture_on_commit_callbacks):
    scheduled("tests.privacy.hourly_job_that_fails")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert hourly_job_that_fails.apply(throw=False).failed()
    alert = SecurityAlert.objects.get()
    assert alert.details == {
        "task": "tests.privacy.hourly_job_that_fails",
        "task_id": alert.details["task_id"],
        "error": "RuntimeError",
    }
    assert "tracking feed" not in alert.message, "the error's text may quote data: only its type is sent"
    assert len(mail.outbox) == 1


def test_a_failing_task_that_beat_does_not_schedule_raises_no_alert(guard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert hourly_job_that_fails.apply(throw=False).failed()
    assert not SecurityAlert.objects.exists()
    assert mail.outbox == []


def test_a_disabled_schedule_raises_no_alert(guard, django_capture_on_commit_callbacks):
    row = scheduled("tests.privacy.hourly_job_that_fails")
    PeriodicTask.objects.filter(pk=row.pk).update(enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert hourly_job_that_fails.apply(throw=False).failed()
    assert not SecurityAlert.objects.exists()
