"""Merchant pages of white-label shipping: consignees, progress, shipments, and a small JSON API."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branding.selectors import active_brand_kit
from merchants.access import ACTING_ROLES, MerchantRequest, member_required
from orders.models import Order
from orders.selectors import lines_of
from portal.ratelimit import rate_limited
from shipping import masking, selectors, services
from shipping.forms import ConsigneeCsvForm, ConsigneeForm, NotifyForm
from shipping.models import Shipment

PAGE_SIZE = 50
API_PAGE_SIZE = 100


def _order(request: MerchantRequest, reference: str) -> Order:
    return get_object_or_404(selectors.white_label_orders(merchant=request.merchant), reference=reference)


def _shipment_of(consignee: Any) -> Shipment | None:
    try:
        return consignee.shipment
    except Shipment.DoesNotExist:
        return None


def _masked_row(consignee: Any) -> dict[str, Any]:
    """A consignee as lists show it: masked name, phone and email; country, items, shipment."""
    shipment = _shipment_of(consignee)
    return {
        "number": consignee.number,
        "name": masking.mask_name(consignee.name),
        "phone": masking.mask_phone(consignee.phone),
        "email": masking.mask_email(consignee.email) if consignee.email else "",
        "country": consignee.country,
        "items": [{"sku": item.line.sku, "quantity": item.quantity} for item in consignee.items.all()],
        "shipment": shipment.reference if shipment else None,
        "status": shipment.status if shipment else None,
        "status_label": shipment.get_status_display() if shipment else "",
    }


def _page_context(request: MerchantRequest, order: Order, **forms: Any) -> dict[str, Any]:
    page = Paginator(selectors.consignees_of(order=order), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_masked_row(consignee) for consignee in page]
    plan = selectors.plan_of(order=order)
    lines = lines_of(order=order)
    editable = services.consignees_editable(order) and request.membership.role in ACTING_ROLES
    progress = services.progress_of(order)
    remaining = services.remaining_quantities(order)
    return {
        "order": order,
        "page": page,
        "rows": rows,
        "editable": editable,
        "can_start": (
            request.membership.role in ACTING_ROLES
            and order.status in services.STARTABLE
            and page.paginator.count > 0
            and progress["total"] < page.paginator.count
        ),
        "remaining": [(line, remaining.get(line.pk, 0)) for line in lines],
        "all_allocated": all(remaining.get(line.pk, 0) == 0 for line in lines),
        "has_brand_kit": active_brand_kit(merchant=request.merchant) is not None,
        "form": forms.get("form") or ConsigneeForm(lines=lines, initial={"country": request.merchant.country}),
        "csv_form": forms.get("csv_form") or ConsigneeCsvForm(),
        "notify_form": NotifyForm(initial={"notify_consignees": bool(plan and plan.notify_consignees)}),
        "csv_errors": forms.get("csv_errors") or [],
        "progress": progress,
    }


@member_required
@require_GET
def consignees(request: MerchantRequest, reference: str) -> HttpResponse:
    """An order's consignees (masked), the forms to add them, and shipping's progress."""
    order = _order(request, reference)
    return render(request, "shipping/consignees.html", _page_context(request, order))


@member_required(roles=ACTING_ROLES)
@require_POST
def consignee_add(request: MerchantRequest, reference: str) -> HttpResponse:
    order = _order(request, reference)
    form = ConsigneeForm(request.POST, lines=lines_of(order=order))
    if form.is_valid():
        try:
            services.add_consignees(order=order, by=request.user, consignees=[form.cleaned_consignee])
        except services.ShippingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Consignee added."))
            return redirect("shipping:consignees", order.reference)
    return render(request, "shipping/consignees.html", _page_context(request, order, form=form), status=400)


@member_required(roles=ACTING_ROLES)
@require_POST
@rate_limited("uploads")
def consignee_upload(request: MerchantRequest, reference: str) -> HttpResponse:
    order = _order(request, reference)
    form = ConsigneeCsvForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = services.import_consignees_csv(order=order, by=request.user, upload=form.cleaned_data["file"])
        except services.CsvRejected as exc:
            context = _page_context(request, order, csv_form=form, csv_errors=exc.errors)
            messages.error(request, str(exc))
            return render(request, "shipping/consignees.html", context, status=400)
        except services.ShippingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(count)s consignees imported.") % {"count": len(added)})
            return redirect("shipping:consignees", order.reference)
    return render(request, "shipping/consignees.html", _page_context(request, order, csv_form=form), status=400)


@member_required(roles=ACTING_ROLES)
@require_POST
def consignee_remove(request: MerchantRequest, reference: str, number: int) -> HttpResponse:
    order = _order(request, reference)
    consignee = get_object_or_404(selectors.consignees_of(order=order), number=number)
    try:
        services.remove_consignee(order=order, consignee_id=consignee.pk, by=request.user)
    except services.ShippingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Consignee removed."))
    return redirect("shipping:consignees", order.reference)


@member_required(roles=ACTING_ROLES)
@require_POST
def consignee_notify(request: MerchantRequest, reference: str) -> HttpResponse:
    order = _order(request, reference)
    form = NotifyForm(request.POST)
    form.is_valid()
    services.set_notify_consignees(
        order=order, by=request.user, notify=bool(form.cleaned_data.get("notify_consignees"))
    )
    messages.success(request, _("Your choice is saved."))
    return redirect("shipping:consignees", order.reference)


@member_required(roles=ACTING_ROLES)
@require_POST
def shipping_start(request: MerchantRequest, reference: str) -> HttpResponse:
    """Send a paid order's consignees to the warehouse (those added after the payment)."""
    order = _order(request, reference)
    try:
        started = services.start_shipping_for_merchant(order=order, by=request.user)
    except services.ShippingError as exc:
        messages.error(request, str(exc))
        return redirect("shipping:consignees", order.reference)
    messages.success(request, _("%(count)s shipments sent to the warehouse.") % {"count": len(started)})
    return redirect("shipping:order_shipments", order.reference)


@member_required
@require_GET
def order_shipments(request: MerchantRequest, reference: str) -> HttpResponse:
    """One order's shipments with a live progress bar."""
    order = _order(request, reference)
    page = Paginator(selectors.shipments_of(order=order), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(shipment, masking.mask_name(shipment.consignee.name)) for shipment in page]
    return render(
        request,
        "shipping/order_shipments.html",
        {"order": order, "page": page, "rows": rows, "progress": services.progress_of(order)},
    )


@member_required
@require_GET
@rate_limited("json")
def order_progress(request: MerchantRequest, reference: str) -> JsonResponse:
    """Done / failed / pending counts, polled by the progress bar."""
    order = _order(request, reference)
    return JsonResponse(services.progress_of(order))


@member_required
@require_GET
def shipments(request: MerchantRequest) -> HttpResponse:
    """Every shipment of the merchant, newest first, filterable by status."""
    status = request.GET.get("status") or None
    if status not in Shipment.Status.values:
        status = None
    page = Paginator(selectors.shipments_for(merchant=request.merchant, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(shipment, masking.mask_name(shipment.consignee.name)) for shipment in page]
    orders = selectors.latest_white_label_orders(merchant=request.merchant)
    return render(
        request,
        "shipping/shipments.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": Shipment.Status.choices,
            "orders": [(order, order.consignee_count) for order in orders],  # type: ignore[attr-defined]
        },
    )


# --- JSON API (session auth, CSRF-protected; scoped to the signed-in member's merchant) -----------------------


def api_member_required(roles: tuple[str, ...] | None = None) -> Callable[..., Any]:
    """Like member_required, but an anonymous caller gets a JSON 401 instead of a login page."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        protected = member_required(view, roles=roles) if roles else member_required(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return JsonResponse({"error": "authentication_required"}, status=401)
            return protected(request, *args, **kwargs)

        return wrapper

    return decorator


@api_member_required()
@require_http_methods(["GET", "POST"])
@rate_limited("json")
def api_consignees(request: MerchantRequest, reference: str) -> JsonResponse:
    """GET: the order's consignees, masked, paginated. POST: add consignees (one object or a list)."""
    order = _order(request, reference)
    if request.method == "POST":
        return _api_add(request, order)
    page = Paginator(selectors.consignees_of(order=order), API_PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "order": order.reference,
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": [_masked_row(consignee) for consignee in page],
            "progress": services.progress_of(order),
        }
    )


def _api_add(request: MerchantRequest, order: Order) -> JsonResponse:
    if request.membership.role not in ACTING_ROLES:
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        payload = json.loads(request.body or b"null")
    except ValueError:
        return JsonResponse({"error": "invalid_json", "message": _("The body is not JSON.")}, status=400)
    entries = payload if isinstance(payload, list) else [payload]
    if not entries or not all(isinstance(entry, dict) for entry in entries):
        return JsonResponse(
            {"error": "invalid_body", "message": _("Send a consignee object or a list of them.")}, status=400
        )
    lines = lines_of(order=order)
    cleaned, errors = [], []
    for index, entry in enumerate(entries):
        try:
            cleaned.append(services.clean_consignee(entry, lines=lines))
        except ValidationError as exc:
            errors.append({"index": index, "errors": {k: [str(m) for m in v] for k, v in exc.message_dict.items()}})
    if errors:
        return JsonResponse({"error": "invalid_consignees", "details": errors}, status=400)
    try:
        added = services.add_consignees(order=order, by=request.user, consignees=cleaned)
    except services.ShippingError as exc:
        return JsonResponse({"error": exc.code, "message": str(exc)}, status=409)
    return JsonResponse({"created": [consignee.number for consignee in added]}, status=201)
