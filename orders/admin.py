"""Staff admin of the catalogue, rates, minimums and orders.

Rates, minimum policies and VAT rates are history: rows are added, never edited or deleted, so every
order's decision can be explained with the row it used.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orders.models import Category, ExchangeRate, MinimumOrderPolicy, Order, OrderEvent, OrderLine, Product, VatRate
from portal.admin_tools import HistoryInline


class AppendOnlyAdmin(admin.ModelAdmin):
    """Add rows, never change or delete them: the table is its own history."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if hasattr(obj, "entered_by_id") and not change:
            obj.entered_by = request.user
        if hasattr(obj, "created_by_id") and not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(AppendOnlyAdmin):
    list_display = ("currency", "rate_to_sar", "source", "effective_at", "entered_by", "created_at")
    list_filter = ("currency", "source")
    fields = ("currency", "rate_to_sar", "source", "effective_at")


@admin.register(MinimumOrderPolicy)
class MinimumOrderPolicyAdmin(AppendOnlyAdmin):
    list_display = ("first_order_minimum", "repeat_order_minimum", "base_currency", "effective_from", "created_by")
    fields = ("first_order_minimum", "repeat_order_minimum", "effective_from")


@admin.register(VatRate)
class VatRateAdmin(AppendOnlyAdmin):
    list_display = ("country", "rate", "effective_from")
    list_filter = ("country",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_fr", "name_ar", "position")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name_en", "category", "pack_size", "unit_price_sar", "stock_status", "is_active")
    list_filter = ("category", "stock_status", "is_active")
    search_fields = ("sku", "name_en", "name_fr", "name_ar")
    list_select_related = ("category",)


class LineInline(HistoryInline):
    model = OrderLine
    exclude = ("product",)


class EventInline(HistoryInline):
    model = OrderEvent


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("reference", "merchant", "status", "currency", "total", "minimum_kind", "placed_at")
    list_filter = ("status", "minimum_kind", "currency", "delivery_mode")
    search_fields = ("reference", "merchant__code")
    list_select_related = ("merchant",)
    inlines = (LineInline, EventInline)
    fieldsets = (
        (None, {"fields": ("reference", "merchant", "placed_by", "status", "delivery_mode", "placed_at")}),
        ("Amounts", {"fields": ("currency", "subtotal", "vat_rate", "vat_amount", "total")}),
        (
            "Minimum decision",
            {
                "fields": (
                    "minimum_kind",
                    "minimum_sar",
                    "minimum_in_currency",
                    "subtotal_sar",
                    "rate_to_sar",
                    "rate_source",
                    "rate_effective_at",
                    "is_replacement",
                    "replaces",
                )
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [str(field) for _, options in self.fieldsets for field in options["fields"]]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
