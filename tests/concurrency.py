"""Run the same call from several threads at once, as concurrent requests would (PostgreSQL tests)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_together(call: Callable[[Any], Any], arguments: list[Any]) -> list[Any]:
    """Start `call(argument)` in one thread per argument, released together; return results or exceptions."""
    barrier = threading.Barrier(len(arguments))
    outcomes: list[Any] = []

    def worker(argument: Any) -> None:
        barrier.wait()
        try:
            outcomes.append(call(argument))
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread met
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=[argument]) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
