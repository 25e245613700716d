"""The settings package; `DJANGO_SETTINGS_MODULE=portal.settings` everywhere."""

from portal.settings.base import *  # noqa: F403
