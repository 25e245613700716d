"""Brand kits, as designers and staff see them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from branding.models import BrandKit


@admin.register(BrandKit)
class BrandKitAdmin(admin.ModelAdmin):
    list_display = ("merchant", "version", "is_active", "sender_name", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("merchant",)
    search_fields = ("merchant__code",)
    readonly_fields = (
        "merchant",
        "version",
        "is_active",
        "logo",
        "sender_name",
        "return_address",
        "colours",
        "slip_message",
        "insert_text",
        "source_proof",
        "created_by",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
