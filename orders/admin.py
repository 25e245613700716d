"""Staff admin of the catalogue, rates, minimums and orders.

Rates, minimum policies and VAT rates are history: rows are added, never edited or deleted, so every
order's decision can be explained with the row it used.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merchants.access import user_of
from orders import services
from orders.forms import CsvUploadForm, ReplacementForm, StatusChangeForm
from orders.models import (
    Category,
    ExchangeRate,
    Invoice,
    MinimumOrderPolicy,
    Order,
    OrderEvent,
    OrderLine,
    Product,
    ProductPhoto,
    VatRate,
)
from orders.services.catalogue import PHOTO_KINDS
from portal.admin_tools import HistoryInline
from portal.http import client_ip
from portal.uploads import check_upload, private_file_response, private_name


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
    fields = ("first_order_minimum", "repeat_order_minimum", "base_currency", "effective_from")


@admin.register(VatRate)
class VatRateAdmin(AppendOnlyAdmin):
    list_display = ("country", "rate", "effective_from")
    list_filter = ("country",)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "name_fr", "name_ar", "position")


class PhotoForm(forms.ModelForm):
    """A photo checked by content (type, size, pixels) before it is stored."""

    class Meta:
        model = ProductPhoto
        fields = ("image", "alt_text", "position")

    def clean_image(self) -> Any:
        image = self.cleaned_data["image"]
        if hasattr(image, "content_type") and not getattr(image, "_committed", True):
            kind = check_upload(image, allowed=PHOTO_KINDS, max_bytes=5 * 1024 * 1024)
            image.name = private_name("products", kind).rsplit("/", 1)[-1]
            self.instance.content_type = kind.content_type
        return image


class PhotoInline(admin.TabularInline):
    model = ProductPhoto
    form = PhotoForm
    extra = 1


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "name_en", "category", "pack_size", "unit_price_sar", "stock_status", "is_active")
    list_filter = ("category", "stock_status", "is_active")
    search_fields = ("sku", "name_en", "name_fr", "name_ar")
    list_select_related = ("category",)
    inlines = (PhotoInline,)
    change_list_template = "admin/orders/product/change_list.html"

    def get_urls(self) -> list:
        return [
            path("prices/", self.admin_site.admin_view(self.prices_view), name="orders_product_prices"),
            *super().get_urls(),
        ]

    def prices_view(self, request: HttpRequest) -> HttpResponse:
        """Bulk price update from a CSV of sku, price in SAR; every bad line is reported by number."""
        if not request.user.has_perm("orders.change_product"):
            raise PermissionDenied
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = services.update_prices(text=form.cleaned_data["file"])
            self.message_user(request, _("%(count)s price(s) updated.") % {"count": result.added})
            for number, error in result.errors:
                self.message_user(
                    request, _("Line %(number)s: %(error)s") % {"number": number, "error": error}, messages.ERROR
                )
            return HttpResponseRedirect(reverse("admin:orders_product_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Update prices from a CSV file"),
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/orders/product/prices.html", context)


class LineInline(HistoryInline):
    model = OrderLine
    exclude = ("product",)


class EventInline(HistoryInline):
    model = OrderEvent


class InvoiceInline(HistoryInline):
    model = Invoice
    fields = ("kind", "number", "issued_at", "language", "download")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("orders.view_order")  # an order's invoices belong to seeing the order

    @admin.display(description=gettext_lazy("PDF"))
    def download(self, invoice: Invoice) -> str:
        url = reverse("admin:orders_order_invoice", args=[invoice.order_id, invoice.number])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "merchant",
        "status",
        "currency",
        "total",
        "subtotal_sar",
        "minimum_kind",
        "minimum_sar",
        "rate_to_sar",
        "rate_source",
        "placed_at",
    )
    date_hierarchy = "placed_at"
    list_filter = ("status", "minimum_kind", "currency", "delivery_mode")
    search_fields = ("reference", "merchant__code")
    list_select_related = ("merchant",)
    inlines = (LineInline, EventInline, InvoiceInline)
    fieldsets = (
        (None, {"fields": ("reference", "merchant", "placed_by", "status", "delivery_mode", "placed_at")}),
        (gettext_lazy("Amounts"), {"fields": ("currency", "subtotal", "vat_rate", "vat_amount", "total")}),
        (
            gettext_lazy("Minimum decision"),
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

    change_form_template = "admin/orders/order/change_form.html"

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/status/", wrap(self.status_view), name="orders_order_status"),
            path("<int:pk>/replacement/", wrap(self.replacement_view), name="orders_order_replacement"),
            path("<int:pk>/invoices/<str:number>/", wrap(self.invoice_view), name="orders_order_invoice"),
            *super().get_urls(),
        ]

    def _render(self, request: HttpRequest, order: Order, form: Any, title: str) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "order": order,
            "opts": self.model._meta,
        }
        return render(request, "admin/orders/order/action.html", context)

    def status_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Change the status by hand, with a reason recorded in the order's history."""
        if not request.user.has_perm("orders.change_order_status"):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=pk)
        allowed = [
            (s, services.ORDER.label(s)) for s in services.ORDER.states() if services.ORDER.allows(order.status, s)
        ]
        form = StatusChangeForm(request.POST or None, allowed=allowed)
        if request.method == "POST" and form.is_valid():
            try:
                services.staff_change_status(
                    order=order,
                    to=form.cleaned_data["status"],
                    by=user_of(request),
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
            except services.OrderError as exc:  # moved by someone else since the page was shown
                form.add_error("status", str(exc))
            else:
                self.message_user(request, _("The order's status has been changed."))
                return HttpResponseRedirect(reverse("admin:orders_order_change", args=[pk]))
        return self._render(request, order, form, _("Change the status of %(reference)s") % {"reference": order})

    def invoice_view(self, request: HttpRequest, pk: int, number: str) -> HttpResponseBase:
        """One of the order's invoices, as a PDF attachment, for staff who may see orders."""
        if not request.user.has_perm("orders.view_order"):
            raise PermissionDenied
        invoice = get_object_or_404(Invoice, order_id=pk, number=number)
        return private_file_response(invoice.pdf, download_name=f"{invoice.number}.pdf", content_type="application/pdf")

    def replacement_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Raise a replacement order for lines of this one; exempt from the minimum."""
        if not request.user.has_perm("orders.raise_replacement"):
            raise PermissionDenied
        order = get_object_or_404(Order.objects.select_related("merchant"), pk=pk)
        form = ReplacementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            rows = services.parse_lines(form.cleaned_data["lines"])
            products = {p.sku: p for p in Product.objects.filter(sku__in=[sku for _, sku, _ in rows])}
            try:
                items = [(products[sku], int(quantity)) for _, sku, quantity in rows]
                replacement = services.raise_replacement(
                    order=order,
                    by=user_of(request),
                    items=items,
                    reason=form.cleaned_data["reason"],
                    ip=client_ip(request),
                )
            except (KeyError, ValueError):
                form.add_error("lines", _("Check the SKUs and quantities."))
            except services.OrderError as exc:
                form.add_error("lines", str(exc.message))
            else:
                self.message_user(request, _("Replacement %(reference)s raised.") % {"reference": replacement})
                return HttpResponseRedirect(reverse("admin:orders_order_change", args=[replacement.pk]))
        return self._render(request, order, form, _("Replacement for %(reference)s") % {"reference": order})
