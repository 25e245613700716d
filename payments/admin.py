"""Finance's side of payments: the eligibility registry, each order's payments (with why a method is not
offered), refunds, bank-transfer reconciliation, provider events.

Every button calls the same services as the portal; every decision is recorded with who, when and why.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.access_log import record_staff_access
from orders.models import Order
from orders.money import Money
from payments import selectors, services
from payments.forms import PaymentMethodForm, ReconcileForm, RefundForm
from payments.models import (
    PAYMENTS_DOC,
    BankTransfer,
    OrderPayment,
    Payment,
    PaymentAction,
    PaymentAttempt,
    PaymentMethod,
    PaymentMethodChange,
    PaymentMethodLimit,
    ProviderEvent,
    Reconciliation,
    Refund,
    TransferProof,
)
from portal.admin_tools import HistoryInline, ReadOnlyAdmin
from portal.http import client_ip
from portal.uploads import private_file_response

REFUND_PERMISSION = "payments.refund_payment"
RECONCILE_PERMISSION = "payments.reconcile_banktransfer"


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
            by=request.user,
            reason=form.cleaned_data["change_reason"],
            ip_address=client_ip(request),
        )


class MoneyInline(HistoryInline):
    """A history whose amounts read as money: rounded to the currency's minor unit, with the currency."""

    @admin.display(description=gettext_lazy("amount"))
    def amount_shown(self, row: Any) -> str:
        currency = self.currency_of(row)
        if row.amount is None or not currency:
            return "—" if row.amount is None else str(row.amount)
        return str(Money(row.amount, currency))

    def currency_of(self, row: Any) -> str:
        return row.currency


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
                    by=request.user,
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


class ProofInline(HistoryInline):
    model = TransferProof
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at", "download")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields)

    @admin.display(description=gettext_lazy("file"))
    def download(self, proof: TransferProof) -> str:
        url = reverse("admin:payments_banktransfer_proof", args=[proof.transfer_id, proof.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class ReconciliationInline(MoneyInline):
    model = Reconciliation
    fields = ("at", "outcome", "amount_shown", "bank_reference", "note", "by", "ip_address")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("transfer__order")

    def currency_of(self, row: Any) -> str:
        return row.transfer.order.currency


class TransferStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("to do")
    parameter_name = "todo"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("reconcile", gettext_lazy("Proof received, to reconcile"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "reconcile":
            return queryset.filter(status=BankTransfer.Status.PROOF_RECEIVED)
        return queryset


@admin.register(BankTransfer)
class BankTransferAdmin(ReadOnlyAdmin):
    """Bank transfers to reconcile: received in full, in part, or not received, each recorded with who and why."""

    list_display = (
        "reference",
        "order",
        "merchant",
        "status",
        "amount_due",
        "proof_count",
        "created_at",
        "reminder_sent_at",
        "expires_at",
    )
    list_filter = (TransferStatusFilter, "status")
    search_fields = ("reference", "order__reference", "order__merchant__code")
    list_select_related = ("order__merchant",)
    inlines = (ProofInline, ReconciliationInline)
    fields = ("reference", "order", "status", "amount_due", "created_at", "reminder_sent_at", "expires_at")
    readonly_fields = fields
    change_form_template = "admin/payments/banktransfer/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        received = (
            Payment.objects.filter(order=OuterRef("order")).values("order").annotate(s=Sum("amount")).values("s")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                proofs_count=Count("proofs", filter=Q(proofs__isnull=False)),
                received=Coalesce(
                    Subquery(received, output_field=DecimalField(max_digits=16, decimal_places=3)), Value(Decimal(0))
                ),
            )
        )

    @admin.display(description=gettext_lazy("merchant"), ordering="order__merchant__code")
    def merchant(self, transfer: BankTransfer) -> str:
        return transfer.order.merchant.code

    @admin.display(description=gettext_lazy("proofs"), ordering="proofs_count")
    def proof_count(self, transfer: Any) -> int:
        return transfer.proofs_count

    @admin.display(description=gettext_lazy("still to pay"))
    def amount_due(self, transfer: Any) -> str:
        order = transfer.order
        return str(Money(max(order.total - getattr(transfer, "received", Decimal(0)), Decimal(0)), order.currency))

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/reconcile/", wrap(self.reconcile_view), name="payments_banktransfer_reconcile"),
            path("<int:pk>/proofs/<int:proof>/", wrap(self.proof_view), name="payments_banktransfer_proof"),
            *super().get_urls(),
        ]

    def reconcile_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Record what arrived on the store's account for this transfer."""
        if not request.user.has_perm(RECONCILE_PERMISSION):
            raise PermissionDenied
        transfer = get_object_or_404(BankTransfer.objects.select_related("order"), pk=pk)
        form = ReconcileForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.reconcile_transfer(
                    transfer=transfer,
                    outcome=data["outcome"],
                    amount=data["amount"],
                    bank_reference=data["bank_reference"],
                    note=data["note"],
                    by=request.user,
                    ip_address=client_ip(request),
                )
            except services.PaymentError as exc:
                form.add_error(None, str(exc.message))
            else:
                self.message_user(request, _("The transfer has been reconciled."))
                return HttpResponseRedirect(reverse("admin:payments_banktransfer_change", args=[pk]))
        return render(
            request,
            "admin/payments/action.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reconcile transfer %(reference)s") % {"reference": transfer.reference},
                "form": form,
                "order": transfer.order,
                "summary": selectors.payment_summary(order=transfer.order),
                "opts": self.model._meta,
            },
        )

    def proof_view(self, request: HttpRequest, pk: int, proof: int) -> HttpResponseBase:
        """A proof of transfer, as an attachment, for staff who may see bank transfers."""
        if not request.user.has_perm("payments.view_banktransfer"):
            raise PermissionDenied
        item = get_object_or_404(TransferProof, transfer_id=pk, pk=proof)
        record_staff_access(
            staff=request.user,
            model="payments.transferproof",
            object_id=str(item.pk),
            action="view",  # the proof opened as a download: a look at its content
            unmasked=True,
            ip_address=client_ip(request),
        )
        return private_file_response(item.file, download_name=item.original_name, content_type=item.content_type)


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
