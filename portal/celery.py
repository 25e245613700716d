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
    they cover (shipments of paid orders, stored provider events, stalled shipments).

    A task may say in its log line what becomes of a job not enqueued:
    `@shared_task(not_enqueued="provider event not enqueued (left for the sweep)")`."""

    #: the start of the log line written when this task could not be enqueued after commit
    not_enqueued = "task not enqueued"

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        transaction.on_commit(lambda: self._enqueue_or_log(args, kwargs))

    def _enqueue_or_log(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        try:
            self.delay(*args, **kwargs)
        except OperationalError as exc:  # kombu's: the broker refused (in eager mode, only a simulated outage)
            self._log_not_enqueued(exc, "broker unreachable")
        except Exception as exc:
            if self.app.conf.task_always_eager:  # ran here: the task's own errors must surface
                raise
            # A broker connection refused, a result backend out of reach, a bad broker URL...: the transaction
            # committed, the request must not fail now; the sweeps pick the work up later.
            self._log_not_enqueued(exc, "broker unreachable" if isinstance(exc, ConnectionError) else "")

    def _log_not_enqueued(self, exc: BaseException, why: str) -> None:
        message = f"{self.not_enqueued}: {why}" if why else self.not_enqueued
        logger.error(message, extra={"task": self.name, "error": type(exc).__name__})


app = Celery("portal", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
