"""Bank-transfer reconciliation: proofs, reconciliations and the reconcile action."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.access_log import record_staff_access
from merchants.access import user_of
from orders.money import Money
from payments import selectors, services
from payments.admin.common import RECONCILE_PERMISSION, MoneyInline
from payments.forms import ReconcileForm
from payments.models import (
    BankTransfer,
    Payment,
    Reconciliation,
    TransferProof,
)
from portal.admin_tools import HistoryInline, ReadOnlyAdmin
from portal.http import client_ip
from portal.uploads import private_file_response


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
                    by=user_of(request),
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
            staff=user_of(request),
            model="payments.transferproof",
            object_id=str(item.pk),
            action="view",  # the proof opened as a download: a look at its content
            unmasked=True,
            ip_address=client_ip(request),
        )
        return private_file_response(item.file, download_name=item.original_name, content_type=item.content_type)
