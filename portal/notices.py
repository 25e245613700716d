"""Notices (emails) sent once, after commit, by a task, with a marker on the row they are about.

The one way every app sends a notice::

    # in a service, inside its transaction
    notify_on_commit(tasks.send_event_notice, event.pk)

    # in the task's service
    def send_event_notice(*, event_id: int) -> int:
        return send_once(RequestEvent, event_id, marker="notified_at", send=_send_the_email)

`send_once` claims the row by setting its marker in one UPDATE (no row lock is held while the email goes
out), sends, and puts the marker back if the sending fails, so a retry of the task sends it then; a second
run after a success sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


def notify_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task(*args, **kwargs)` once the current transaction commits (a broker outage is logged,
    never raised to the request that committed)."""
    task.delay_on_commit(*args, **kwargs)


def send_once(model: type[M], pk: Any, *, marker: str, send: Callable[[M], int]) -> int:
    """Run `send(row)` once for the row: claim it by its empty `marker`, send, keep the marker.

    Returns what `send` returned (for example the number of emails sent), 0 when the row was already
    claimed. The marker is cleared again if `send` raises, and the error goes to the task's retry."""
    now = timezone.now()
    manager = model._default_manager
    claimed = manager.filter(pk=pk, **{f"{marker}__isnull": True}).update(**{marker: now})
    if not claimed:
        return 0
    row = manager.get(pk=pk)
    try:
        return send(row)
    except BaseException:
        manager.filter(pk=pk, **{marker: now}).update(**{marker: None})
        raise
