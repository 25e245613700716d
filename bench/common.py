"""What the HTTP benchmarks share: a free port, percentiles, client threads, and gunicorn beside /healthz."""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def run_clients(clients: int, seconds: float, work: Callable[[int], Any]) -> tuple[list[Any], float]:
    """Call `work(client_index)` in a loop from `clients` threads for `seconds`; return the results and the time."""
    results: list[Any] = []
    lock, stop = threading.Lock(), time.monotonic() + seconds

    def loop(index: int) -> None:
        while time.monotonic() < stop:
            result = work(index)
            with lock:
                results.append(result)

    began = time.perf_counter()
    threads = [threading.Thread(target=loop, args=[i]) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def timed_healthz(base: str) -> float:
    """One GET /healthz; its latency in seconds."""
    began = time.perf_counter()
    with urllib.request.urlopen(base + "/healthz", timeout=30) as response:  # noqa: S310 - our own server
        response.read()
    return time.perf_counter() - began


@contextlib.contextmanager
def gunicorn(workers: int = 2) -> Iterator[str]:
    """gunicorn serving the portal on a free 127.0.0.1 port, with the current environment; yields its base URL.

    On the way out the server stops and the Celery queue the requests filled (no worker runs) is purged.
    """
    port = free_port()
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "--log-level", "warning"], cwd=BASE_DIR, env=env)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310 - our own server
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "portal", "purge", "-f"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            check=False,
        )


def print_row(label: str, rate: float, latencies: list[float], width: int = 28) -> None:
    print(
        f"{label:{width}}{rate:12.1f}{percentile(latencies, 50) * 1000:10.1f}{percentile(latencies, 95) * 1000:10.1f}"
    )
