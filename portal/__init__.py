"""The wholesale merchant portal project: settings, URLs, Celery app and shared pieces."""

from portal.celery import app as celery_app

__all__ = ("celery_app",)
