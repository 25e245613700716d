"""The payment-method eligibility registry: limits, rules and their recorded changes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merchants.access import user_of
from payments import services
from payments.forms import PaymentMethodForm
from payments.models import (
    PAYMENTS_DOC,
    PaymentMethod,
    PaymentMethodChange,
    PaymentMethodLimit,
)
from portal.admin_tools import HistoryInline
from portal.http import client_ip


class LimitInline(admin.TabularInline):
    model = PaymentMethodLimit
    extra = 1


class RuleChangeInline(HistoryInline):
    model = PaymentMethodChange
    verbose_name_plural = gettext_lazy("history of rule changes")


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    """The eligibility registry. Methods are added with their adapter (code), never by hand; rules are data."""

    form = PaymentMethodForm
    list_display = (
        "name",
        "code",
        "provider",
        "enabled",
        "currencies",
        "buyer_countries",
        "provider_allows_b2b",
        "contract_allows_b2b",
        "to_confirm",
        "source_link",
    )
    list_filter = ("provider", "enabled", "provider_allows_b2b")
    search_fields = ("code", "name")
    inlines = (LimitInline, RuleChangeInline)
    readonly_fields = ("code", "provider", "provider_type", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": ("code", "name", "provider", "provider_type", "enabled", "position"),
                "description": gettext_lazy(
                    "Seeded from %(doc)s. Each method cites the provider's published rule it comes from; points "
                    "under 'still to confirm' are defaults finance must confirm with the provider. A method is "
                    "offered only when an order meets every rule below and the limits in its currency."
                )
                % {"doc": PAYMENTS_DOC},
            },
        ),
        (
            gettext_lazy("Who and what"),
            {"fields": ("currencies", "buyer_countries", "excluded_countries", "domestic_only")},
        ),
        (
            gettext_lazy("Business purchases"),
            {
                "fields": ("provider_allows_b2b", "contract_allows_b2b"),
                "description": gettext_lazy(
                    "Several consumer buy-now-pay-later methods (Klarna, Affirm, Afterpay/Clearpay, Cash App Pay) "
                    "forbid business purchases in their published terms (PAYMENTS.md): they stay off for our "
                    "merchants unless the store's own contract with the provider allows them."
                ),
            },
        ),
        (gettext_lazy("Source"), {"fields": ("source_url", "source_note", "unverified", "notes")}),
        (None, {"fields": ("change_reason",)}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("still to confirm"))
    def to_confirm(self, method: PaymentMethod) -> str:
        return method.unverified or "—"

    @admin.display(description=gettext_lazy("source"))
    def source_link(self, method: PaymentMethod) -> str:
        if not method.source_url:
            return "—"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', method.source_url, _("rule"))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        form.rule_before = services.snapshot(PaymentMethod.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.record_rule_change(
            method=form.instance,
            before=getattr(form, "rule_before", {}),
            by=user_of(request),
            reason=form.cleaned_data["change_reason"],
            ip_address=client_ip(request),
        )
