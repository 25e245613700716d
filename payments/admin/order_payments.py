"""Each order's payments: attempts, payments, refunds and actions, and why a method is not offered."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merchants.access import user_of
from orders.models import Order
from payments import selectors, services
from payments.admin.common import REFUND_PERMISSION, MoneyInline
from payments.forms import RefundForm
from payments.models import (
    OrderPayment,
    Payment,
    PaymentAction,
    PaymentAttempt,
    Refund,
)
from portal.admin_tools import ReadOnlyAdmin
from portal.http import client_ip


class AttemptInline(MoneyInline):
    model = PaymentAttempt
    fields = (
        "number",
        "provider",
        "methods",
        "method_used",
        "status",
        "amount_shown",
        "provider_reference",
        "failure_message",
        "created_by",
        "created_at",
    )
    fk_name = "order"


class PaymentInline(MoneyInline):
    model = Payment
    fields = ("provider", "reference", "method", "amount_shown", "received_at", "confirmed_by")
    fk_name = "order"


class RefundInline(MoneyInline):
    model = Refund
    fields = (
        "payment",
        "amount_shown",
        "status",
        "provider_reference",
        "reason",
        "failure_message",
        "requested_by",
        "ip_address",
        "requested_at",
        "confirmed_at",
    )
    fk_name = "order"


class ActionInline(MoneyInline):
    model = PaymentAction
    fields = ("at", "action", "amount_shown", "by", "source", "ip_address", "note")
    fk_name = "order"
    verbose_name_plural = gettext_lazy("payment history")


class PaymentStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("payment")
    parameter_name = "payment"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(selectors.PaymentState.LABELS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        S = selectors.PaymentState  # noqa: N806
        match self.value():
            case S.UNPAID:
                return queryset.filter(received=0)
            case S.PARTIALLY_PAID:
                return queryset.filter(received__gt=0, received__lt=F("total"), refunded=0)
            case S.PAID:
                return queryset.filter(received__gt=0, received__gte=F("total"), refunded=0)
            case S.PARTIALLY_REFUNDED:
                return queryset.filter(refunded__gt=0, refunded__lt=F("received"))
            case S.REFUNDED:
                return queryset.filter(received__gt=0, refunded__gte=F("received"))
        return queryset


@admin.register(OrderPayment)
class OrderPaymentAdmin(ReadOnlyAdmin):
    """An order from the payment side: what it may be paid with and why not the rest, what it received, refunds."""

    list_display = (
        "reference",
        "merchant",
        "country",
        "status",
        "currency",
        "total",
        "received",
        "refunded",
        "payment_state",
        "placed_at",
    )
    list_filter = (PaymentStateFilter, "status", "currency")
    search_fields = ("reference", "merchant__code")
    list_select_related = ("merchant",)
    date_hierarchy = "placed_at"
    inlines = (AttemptInline, PaymentInline, RefundInline, ActionInline)
    fields = ("reference", "merchant", "status", "currency", "total", "delivery_mode", "placed_at", "eligibility")
    readonly_fields = fields
    change_form_template = "admin/payments/orderpayment/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.with_payment_totals(super().get_queryset(request).select_related("merchant"))

    @admin.display(description=gettext_lazy("country"), ordering="merchant__country")
    def country(self, order: Order) -> str:
        return order.merchant.country

    @admin.display(description=gettext_lazy("received"), ordering="received")
    def received(self, order: Any) -> Decimal:
        return order.received

    @admin.display(description=gettext_lazy("refunded"), ordering="refunded")
    def refunded(self, order: Any) -> Decimal:
        return order.refunded

    @admin.display(description=gettext_lazy("payment"))
    def payment_state(self, order: Any) -> str:
        return str(selectors.PaymentState.LABELS[selectors.derive_state(order.total, order.received, order.refunded)])

    @admin.display(description=gettext_lazy("payment methods for this order"))
    def eligibility(self, order: Order) -> str:
        decisions = services.eligibility_for(order=order).decisions
        rows = format_html_join(
            "",
            '<tr class="{}"><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    "offered" if d.offered else "refused",
                    d.method.name,
                    _("offered") if d.offered else _("not offered"),
                    "; ".join(str(reason.message) for reason in d.reasons),
                )
                for d in decisions
            ),
        )
        return format_html(
            '<table class="eligibility"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody>'
            "</table>",
            _("method"),
            _("decision"),
            _("why not"),
            rows,
        )

    def get_urls(self) -> list:
        return [
            path("<int:pk>/refund/", self.admin_site.admin_view(self.refund_view), name="payments_orderpayment_refund"),
            *super().get_urls(),
        ]

    def refund_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Refund all or part of a payment of this order; confirmed later by the provider."""
        if not request.user.has_perm(REFUND_PERMISSION):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=pk)
        payments = list(Payment.objects.filter(order=order).order_by("pk"))
        choices = [
            (
                p.pk,
                f"{p.get_provider_display()} {p.reference} — {p.amount} {p.currency} "
                f"({_('refundable')}: {services.refundable(p)})",
            )
            for p in payments
        ]
        form = RefundForm(request.POST or None, payments=choices)
        if request.method == "POST" and form.is_valid():
            payment = next(p for p in payments if p.pk == form.cleaned_data["payment"])
            try:
                refund = services.request_refund(
                    payment=payment,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    by=user_of(request),
                    ip_address=client_ip(request),
                )
            except services.PaymentError as exc:
                form.add_error(None, str(exc.message))
            else:
                self.message_user(
                    request,
                    _("Refund of %(amount)s %(currency)s: %(status)s.")
                    % {"amount": refund.amount, "currency": refund.currency, "status": refund.get_status_display()},
                )
                return HttpResponseRedirect(reverse("admin:payments_orderpayment_change", args=[pk]))
        return render(
            request,
            "admin/payments/action.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Refund a payment of %(reference)s") % {"reference": order.reference},
                "form": form,
                "order": order,
                "opts": self.model._meta,
            },
        )
