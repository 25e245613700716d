"""Shipments in the admin: the fulfilment queue, slips and labels, staff moves, retries and each order's progress.

The slips and labels print the consignee's details: they open only with the details permission, and every
look is written to the staff access log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from audit.access_log import record_staff_accesses
from audit.models import StaffAccess
from merchants.access import user_of
from orders.models import Order
from portal.admin_tools import HistoryInline, ReadOnlyAdmin
from portal.http import client_ip
from portal.uploads import private_file_response
from shipping import documents, selectors, services
from shipping.admin.forms import MoveForm, ReasonForm
from shipping.admin.permissions import DETAILS_PERMISSION, MOVE_PERMISSION, PRINT_PERMISSION
from shipping.models import Consignee, Shipment, ShipmentEvent

S = Shipment.Status
#: moves staff make by hand (the jobs make the others)
STAFF_MOVES = (S.HANDED_OVER, S.IN_TRANSIT, S.DELIVERED, S.RETURNED, S.CANCELLED)


class EventInline(HistoryInline):
    model = ShipmentEvent
    fk_name = "shipment"


class WorkFilter(admin.SimpleListFilter):
    """The fulfilment queue: what to pick and pack today, what waits for the courier, what failed."""

    title = _("work")
    parameter_name = "work"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("pack", _("To pick and pack (label ready)")),
            ("preparing", _("Being prepared")),
            ("out", _("With the courier")),
            ("failed", _("Failed: needs a retry")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Shipment]) -> QuerySet[Shipment]:
        wanted = {
            "pack": [S.LABEL_CREATED],
            "preparing": [S.PENDING, S.PREPARING],
            "out": [S.HANDED_OVER, S.IN_TRANSIT],
            "failed": [S.FAILED],
        }.get(self.value() or "")
        return queryset.filter(status__in=wanted) if wanted else queryset


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "order_link",
        "merchant",
        "status",
        "carrier",
        "tracking_number",
        "destination",
        "document_links",
        "error_code",
        "updated_at",
    )
    list_filter = (WorkFilter, "status", "carrier", "created_at")
    list_select_related = ("order", "merchant", "consignee")
    search_fields = ("reference", "tracking_number", "order__reference", "merchant__code")
    date_hierarchy = "created_at"
    actions = ("retry_selected", "confirm_cancelled_selected", "print_selected_slips")
    inlines = (EventInline,)
    fields = (
        "reference",
        "order",
        "merchant",
        "consignee",
        "status",
        "carrier",
        "carrier_reference",
        "booking_live_at_carrier",
        "tracking_number",
        "idempotency_key",
        "attempts",
        "retry_at",
        "error_code",
        "error",
        "booked_at",
        "notified_at",
        "delivered_at",
        "tracked_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    change_form_template = "admin/shipping/shipment/change_form.html"

    @admin.display(description=_("order"), ordering="order__reference")
    def order_link(self, shipment: Shipment) -> str:
        url = reverse("admin:shipping_shipment_progress", args=[shipment.order_id])
        return format_html('<a href="{}">{}</a>', url, shipment.order.reference)

    @admin.display(description=_("destination"))
    def destination(self, shipment: Shipment) -> str:
        return f"#{shipment.consignee.number} · {shipment.consignee.country}"

    @admin.display(description=_("documents"))
    def document_links(self, shipment: Shipment) -> str:
        links = []
        if shipment.slip:
            links.append((reverse("admin:shipping_shipment_slip", args=[shipment.pk]), gettext("Slip")))
        if shipment.label:
            links.append((reverse("admin:shipping_shipment_label", args=[shipment.pk]), gettext("Label")))
        if not links:
            return "—"
        return format_html(" · ".join(['<a href="{}">{}</a>'] * len(links)), *[v for link in links for v in link])

    # --- URLs -------------------------------------------------------------------------------------------------

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/slip/", wrap(self.slip_view), name="shipping_shipment_slip"),
            path("<int:pk>/label/", wrap(self.label_view), name="shipping_shipment_label"),
            path("<int:pk>/move/", wrap(self.move_view), name="shipping_shipment_move"),
            path("<int:pk>/retry/", wrap(self.retry_view), name="shipping_shipment_retry"),
            path("orders/<int:order_id>/", wrap(self.progress_view), name="shipping_shipment_progress"),
            path("orders/<int:order_id>/progress/", wrap(self.progress_json), name="shipping_shipment_progress_json"),
            path("orders/<int:order_id>/slips/", wrap(self.order_slips_view), name="shipping_shipment_order_slips"),
            *super().get_urls(),
        ]

    def _need(self, request: HttpRequest, permission: str) -> None:
        if not request.user.has_perm(permission):
            raise PermissionDenied

    def _log_full_view(self, request: HttpRequest, consignee_ids: list[int]) -> None:
        record_staff_accesses(
            staff=user_of(request),
            model=Consignee._meta.label_lower,
            object_ids=[str(consignee_id) for consignee_id in consignee_ids],
            action=StaffAccess.Action.VIEW,
            unmasked=True,
            ip_address=client_ip(request),
        )

    def _document(self, request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
        # A slip or label prints the consignee's name and address: a full view, for fulfilment only, logged.
        self._need(request, PRINT_PERMISSION)
        self._need(request, DETAILS_PERMISSION)
        shipment = get_object_or_404(Shipment, pk=pk)
        document = getattr(shipment, kind)
        if not document:
            raise PermissionDenied
        self._log_full_view(request, [shipment.consignee_id])
        return private_file_response(
            document, download_name=f"{shipment.reference}-{kind}.pdf", content_type="application/pdf"
        )

    def slip_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        return self._document(request, pk, "slip")

    def label_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        return self._document(request, pk, "label")

    def _render(self, request: HttpRequest, template: str, **context: Any) -> HttpResponse:
        return render(
            request,
            f"admin/shipping/shipment/{template}",
            {**self.admin_site.each_context(request), "opts": self.model._meta, **context},
        )

    def move_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Hand over (typing the tracking number), record transit, delivery, return, or cancel."""
        self._need(request, MOVE_PERMISSION)
        shipment = get_object_or_404(Shipment.objects.select_related("order"), pk=pk)
        allowed = [(str(s), str(S(s).label)) for s in STAFF_MOVES if s in services.TRANSITIONS[shipment.status]]
        form = MoveForm(request.POST or None, allowed=allowed)
        if request.method == "POST" and form.is_valid():
            to, note = form.cleaned_data["to"], form.cleaned_data["note"]
            try:
                services.staff_move(
                    shipment_id=pk,
                    to=to,
                    by=user_of(request),
                    tracking_number=form.cleaned_data["tracking_number"],
                    note=note,
                )
            except services.ShippingError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, gettext("The shipment has moved."))
                return HttpResponseRedirect(reverse("admin:shipping_shipment_change", args=[pk]))
        title = gettext("Move shipment %(reference)s") % {"reference": shipment.reference}
        return self._render(request, "action.html", title=title, form=form, shipment=shipment)

    def retry_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Retry one failed shipment, with the reason recorded."""
        self._need(request, MOVE_PERMISSION)
        shipment = get_object_or_404(Shipment, pk=pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.retry_shipment(shipment_id=pk, by=user_of(request), note=form.cleaned_data["reason"])
            except services.ShippingError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, gettext("The shipment is queued again."))
                return HttpResponseRedirect(reverse("admin:shipping_shipment_change", args=[pk]))
        title = gettext("Retry shipment %(reference)s") % {"reference": shipment.reference}
        return self._render(request, "action.html", title=title, form=form, shipment=shipment)

    def progress_view(self, request: HttpRequest, order_id: int) -> HttpResponse:
        """An order's progress bar, its failed shipments, and the merged slips for the warehouse."""
        self._need(request, "shipping.view_shipment")
        order = get_object_or_404(Order.objects.select_related("merchant"), pk=order_id)
        return self._render(
            request,
            "progress.html",
            title=gettext("Shipping of order %(reference)s") % {"reference": order.reference},
            order=order,
            progress=services.progress_of(order),
            progress_url=reverse("admin:shipping_shipment_progress_json", args=[order.pk]),
            changelist_url=reverse("admin:shipping_shipment_changelist") + f"?order__id__exact={order.pk}",
            can_print=request.user.has_perm(PRINT_PERMISSION) and request.user.has_perm(DETAILS_PERMISSION),
        )

    def progress_json(self, request: HttpRequest, order_id: int) -> JsonResponse:
        self._need(request, "shipping.view_shipment")
        return JsonResponse(services.progress_of(get_object_or_404(Order, pk=order_id)))

    def _merged_slips(self, request: HttpRequest, shipments: list[Shipment], name: str) -> HttpResponse:
        self._log_full_view(request, [shipment.consignee_id for shipment in shipments])
        pdfs = []
        for shipment in shipments:
            with shipment.slip.open("rb") as handle:
                pdfs.append(handle.read())
        response = HttpResponse(documents.merge_pdfs(pdfs), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def order_slips_view(self, request: HttpRequest, order_id: int) -> HttpResponse:
        """Every packing slip of an order in one PDF, in consignee order."""
        self._need(request, PRINT_PERMISSION)
        self._need(request, DETAILS_PERMISSION)
        order = get_object_or_404(Order, pk=order_id)
        shipments = list(selectors.slips_of(order=order))
        if not shipments:
            self.message_user(request, gettext("No packing slip is ready yet."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:shipping_shipment_progress", args=[order.pk]))
        return self._merged_slips(request, shipments, f"{order.reference}-slips-{timezone.localdate():%Y%m%d}.pdf")

    # --- actions ----------------------------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Retry the selected failed shipments"), permissions=["move"])
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[Shipment]) -> HttpResponse | None:
        failed = list(queryset.filter(status=S.FAILED).order_by("pk"))
        form = ReasonForm(request.POST if "reason" in request.POST else None)
        if form.is_bound and form.is_valid():
            queued = 0
            for shipment in failed:
                try:
                    services.retry_shipment(
                        shipment_id=shipment.pk, by=user_of(request), note=form.cleaned_data["reason"]
                    )
                except services.ShippingError as exc:
                    self.message_user(request, f"{shipment.reference}: {exc}", messages.ERROR)
                else:
                    queued += 1
            self.message_user(request, gettext("%(count)s shipments queued again.") % {"count": queued})
            return None
        return self._render(
            request,
            "retry_selected.html",
            title=gettext("Retry failed shipments"),
            form=form,
            shipments=failed,
            action="retry_selected",
            selected=request.POST.getlist(ACTION_CHECKBOX_NAME),
        )

    @admin.action(
        description=gettext_lazy("Confirm the selected bookings were cancelled at the carrier"), permissions=["move"]
    )
    def confirm_cancelled_selected(self, request: HttpRequest, queryset: QuerySet[Shipment]) -> None:
        live = list(queryset.filter(booking_live_at_carrier=True).order_by("pk"))
        for shipment in live:
            services.confirm_cancelled_at_carrier(shipment_id=shipment.pk, by=user_of(request))
        self.message_user(
            request,
            gettext("%(count)s shipments marked cancelled at the carrier: they can be retried now.")
            % {"count": len(live)},
        )

    @admin.action(description=gettext_lazy("Print the packing slips of the selected shipments"), permissions=["print"])
    def print_selected_slips(self, request: HttpRequest, queryset: QuerySet[Shipment]) -> HttpResponse | None:
        if not request.user.has_perm(DETAILS_PERMISSION):
            raise PermissionDenied
        shipments = list(queryset.exclude(slip="").order_by("order_id", "consignee__number"))
        if not shipments:
            self.message_user(request, gettext("None of them has a packing slip yet."), messages.WARNING)
            return None
        return self._merged_slips(request, shipments, f"slips-{timezone.localdate():%Y%m%d}.pdf")

    def has_move_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MOVE_PERMISSION)

    def has_print_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(PRINT_PERMISSION)
