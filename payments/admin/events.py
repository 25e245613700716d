"""Incoming provider events, read-only."""

from __future__ import annotations

from django.contrib import admin

from payments.models import (
    ProviderEvent,
)
from portal.admin_tools import ReadOnlyAdmin


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    """Every verified provider event, stored once: what it was about and what it changed."""

    list_display = ("received_at", "provider", "type", "event_id", "outcome", "attempt", "processed_at")
    list_filter = ("provider", "outcome", "type")
    search_fields = ("event_id", "object_id")
    list_select_related = ("attempt",)
    readonly_fields = (
        "provider",
        "event_id",
        "type",
        "object_id",
        "attempt",
        "outcome",
        "note",
        "received_at",
        "processed_at",
        "payload",
    )
