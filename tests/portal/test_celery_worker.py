"""A real Celery worker process, on the real Redis broker, runs a task end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app
from portal.tasks import ping
from tests.privacy.log_guard import assert_clean_log_file


def database_url_of_this_test() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker_queue(tmp_path):
    """Start one worker process listening on a queue of its own; stop it after the test, and check that its log
    carries nothing the suite's logs must not (tests/privacy/log_guard.py)."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log_path = tmp_path / "worker.log"
    log_file = log_path.open("wb")
    env = {**os.environ, "DATABASE_URL": database_url_of_this_test(), "REDIS_URL": settings.REDIS_URL}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "-P",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            f"--hostname={queue}@%h",
            "-l",
            "INFO",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    yield queue
    app.conf.task_always_eager = True
    worker.terminate()
    worker.wait(timeout=30)
    log_file.close()
    assert "succeeded in" in log_path.read_text(), "the worker's log was captured"
    assert_clean_log_file(log_path)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_against_the_test_database(worker_queue):
    token = uuid.uuid4().hex
    result = ping.apply_async(args=[token], queue=worker_queue)
    answer = result.get(timeout=60)
    assert answer == {"token": token, "database": "postgresql", "name": connection.settings_dict["NAME"]}


def test_celery_is_configured_for_reliability():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    # Longer than any countdown we use, so Redis never hands a waiting task to a second worker.
    assert conf.broker_transport_options["visibility_timeout"] >= 12 * 3600
    assert ping.delay_on_commit  # DjangoTask: enqueued only once the transaction commits


@pytest.mark.django_db
def test_a_broker_outage_after_commit_is_logged_not_raised_to_the_request(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(ping, "delay", unreachable)
    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ping.delay_on_commit("token")  # running the commit callbacks must not raise
    finally:
        app.conf.task_always_eager = True
    assert "task not enqueued: broker unreachable" in caplog.text


@pytest.mark.django_db
def test_in_eager_mode_a_tasks_own_error_still_surfaces(monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise ValueError("a bug in the task")

    monkeypatch.setattr(ping, "delay", broken)
    with pytest.raises(ValueError, match="a bug"), django_capture_on_commit_callbacks(execute=True):
        ping.delay_on_commit("token")


@pytest.mark.django_db
def test_a_result_backend_out_of_reach_after_commit_is_logged_not_raised(
    monkeypatch, caplog, django_capture_on_commit_callbacks, tmp_path
):
    """Seen with the filesystem result backend whose folder was missing: checkout answered 500 after the
    order had committed. Now the enqueue failure is logged and left to the sweeps."""
    monkeypatch.setattr(app.conf, "result_backend", f"file://{tmp_path / 'missing'}")
    monkeypatch.setattr(ping, "ignore_result", False)
    vars(app._local).pop("backend", None)  # the app caches its backend per thread
    app.conf.task_always_eager = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ping.delay_on_commit("token")  # must not raise
    finally:
        app.conf.task_always_eager = True
        vars(app._local).pop("backend", None)
    assert "task not enqueued" in caplog.text
