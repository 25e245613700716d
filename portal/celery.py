"""The Celery app. Reliability settings live in portal/settings/base.py under CELERY_*."""

import logging
import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

logger = logging.getLogger("portal.celery")


class PortalTask(DjangoTask):
    """DjangoTask (`delay_on_commit`: enqueue only once the transaction has committed) that never turns a
    failure to enqueue (broker outage, result backend out of reach) into an error for the request whose
    transaction already committed: the job is logged as not enqueued, and the periodic sweeps pick up what
    they cover (shipments of paid orders, stored provider events, stalled shipments)."""

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        transaction.on_commit(lambda: self._enqueue_or_log(args, kwargs))

    def _enqueue_or_log(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if self.app.conf.task_always_eager:  # run here: the task's own errors must surface
            self.delay(*args, **kwargs)
            return
        try:
            self.delay(*args, **kwargs)
        except (OperationalError, ConnectionError) as exc:
            logger.error(
                "task not enqueued: broker unreachable", extra={"task": self.name, "error": type(exc).__name__}
            )
        except Exception as exc:  # noqa: BLE001 - the transaction committed: the request must not fail now
            # A result backend out of reach, a bad broker URL...: the sweeps pick the work up later.
            logger.error("task not enqueued", extra={"task": self.name, "error": type(exc).__name__})


app = Celery("portal", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
