"""Real Celery worker processes for the reliability tests: each test gets queues of its own."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from portal.celery import app
from tests.privacy.log_guard import assert_clean_log_file


def database_url_of_this_test() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (the worker's pool processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name (which may hold spaces) start after the last ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_until(
    condition: Callable[[], Any],
    *,
    timeout: float,
    interval: float = 0.2,
    tick: Callable | None = None,
    why: Callable | None = None,
) -> Any:
    """Poll `condition` until it is truthy (returning its value) or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if tick is not None:
            tick()
        time.sleep(interval)
    raise AssertionError(f"not reached within {timeout}s" + (f"\n{why()}" if why else ""))


@contextlib.contextmanager
def point_app_at(broker_url: str) -> Iterator[None]:
    """Make this test process publish to `broker_url` (its own Redis) for the duration."""
    old = app.conf.broker_url
    app.conf.broker_url = broker_url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = old
        app._pool = None
        app.amqp._producer_pool = None


class Workers:
    """Start `count` worker processes (prefork, one pool process each) on one queue of this test."""

    def __init__(self, *, queue: str, env: dict[str, str], log_dir: Path) -> None:
        self.queue, self.env, self.log_dir = queue, env, log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self, count: int = 1) -> list[subprocess.Popen]:
        started = []
        for _ in range(count):
            name = f"{self.queue}-{len(self.processes)}"
            log = (self.log_dir / f"{name}.log").open("ab")
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", self.queue,
                    "-P", "prefork", "-c", "1", "--without-heartbeat", "--without-gossip", "--without-mingle",
                    f"--hostname={name}@%h", "-l", "INFO",
                ],
                cwd=Path(settings.BASE_DIR), env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            self.processes.append(process)
            started.append(process)
        return started

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-4000:] for path in sorted(self.log_dir.glob("*.log")))


@contextlib.contextmanager
def worker_pool(*, courier_url: str, api_key: str, media_root: Path, log_dir: Path, redis_url: str | None = None,
                extra: dict[str, str] | None = None) -> Iterator[Workers]:  # fmt: skip
    """Workers on a queue of their own, against this test's database and the fake courier.

    This process publishes to that queue once the test sets SHIPPING_QUEUE to `workers.queue`; the test
    starts the workers when it is ready."""
    queue = f"test-shipping-{uuid.uuid4().hex[:8]}"
    redis_url = redis_url or settings.REDIS_URL
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_this_test(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "SHIPPING_QUEUE": queue,
        "SHIPPING_CARRIER": "http",
        "SHIPPING_HTTP_CARRIER_URL": courier_url,
        "SHIPPING_HTTP_CARRIER_API_KEY": api_key,
        "SHIPPING_HTTP_CARRIER_TIMEOUT": "30",
        "PRIVATE_MEDIA_ROOT": str(media_root),
        "EMAIL_URL": "dummymail://",
        "CONN_MAX_AGE": "0",
        **(extra or {}),
    }
    workers = Workers(queue=queue, env=env, log_dir=log_dir)
    app.conf.task_always_eager = False
    try:
        yield workers
    finally:
        app.conf.task_always_eager = True
        workers.stop()
    # What the workers logged carries nothing the suite's logs must not (tests/privacy/log_guard.py).
    for log in sorted(log_dir.glob("*.log")):
        assert_clean_log_file(log)
