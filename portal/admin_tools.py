"""Admin building blocks shared by the apps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.admin_tools import ReadOnlyAdmin

__all__ = ["HistoryInline", "ReadOnlyAdmin"]


class HistoryInline(admin.TabularInline):
    """A record of what happened (events, changes): shown, never added, edited or deleted by hand."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = [field.name for field in self.model._meta.fields if field.name not in {"id", self.fk_name or ""}]
        # columns computed by the inline (e.g. an amount with its currency) are read-only too
        return names + [name for name in self.fields or () if isinstance(name, str) and name not in names]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The rows are shown with their related records by name (who, which payment): fetched in one query.
        shown = set(self.fields or ())
        related = [f.name for f in self.model._meta.fields if f.is_relation and f.name in shown]
        return super().get_queryset(request).select_related(*related)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
