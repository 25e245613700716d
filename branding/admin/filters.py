"""The board's filters: by deadline and by extra proof rounds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.models import BrandingRequest

Status = BrandingRequest.Status


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("overdue", _("Overdue")),
            ("week", _("Within 7 days")),
            ("later", _("Later")),
            ("none", _("No deadline")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        open_work = queryset.exclude(status__in=[Status.DELIVERED, Status.CANCELLED])
        match self.value():
            case "overdue":
                return open_work.filter(deadline__lt=today)
            case "week":
                return open_work.filter(deadline__gte=today, deadline__lte=today + timedelta(days=7))
            case "later":
                return open_work.filter(deadline__gt=today + timedelta(days=7))
            case "none":
                return queryset.filter(deadline__isnull=True)
        return queryset


class ExtraRoundsFilter(admin.SimpleListFilter):
    title = _("revision rounds")
    parameter_name = "rounds"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("extra", _("Beyond the rounds included"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "extra":
            return queryset.filter(revision_rounds_used__gt=F("revision_rounds_included"))
        return queryset
