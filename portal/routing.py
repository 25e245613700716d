"""Celery routing: which queue each task goes to (settings `CELERY_TASK_ROUTES` names `route_task`).

Read at publishing time, not at import, so a queue set in the settings (SHIPPING_QUEUE) takes effect for
every task published after it, retries included."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def route_task(name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **kw: Any) -> dict[str, str] | None:
    """Shipping's jobs (`shipping.tasks.*`) go to SHIPPING_QUEUE when it is set; the rest to the default."""
    if name.startswith("shipping.tasks.") and settings.SHIPPING_QUEUE:
        return {"queue": settings.SHIPPING_QUEUE}
    return None
