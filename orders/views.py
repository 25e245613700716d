"""Merchant pages of the orders domain: catalogue, cart, checkout, orders."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants.access import ACTING_ROLES, MerchantRequest, member_required
from orders import selectors, services
from orders.extensions import order_links
from orders.forms import CheckoutForm, CsvUploadForm, OrderFilterForm, QuantityForm, QuickOrderForm
from orders.models import Order, Product
from orders.money import BASE_CURRENCY, Money
from portal.ratelimit import rate_limited
from portal.uploads import private_file_response

PAGE_SIZE = 24


def _price(product: Product, rate: services.Rate | None) -> Money:
    """The price in the merchant's currency, or in SAR while its rate is missing or stale (said above)."""
    return services.unit_price(product=product, rate=rate) if rate else Money(product.unit_price_sar, BASE_CURRENCY)


def _rate(request: MerchantRequest) -> services.Rate | None:
    try:
        return services.rate_in_force(currency=request.merchant.currency)
    except services.OrderError as exc:
        messages.warning(request, str(exc.message))
        return None


@member_required
def catalogue(request: MerchantRequest) -> HttpResponse:
    """Products by category or search, priced in the merchant's currency."""
    category, query = request.GET.get("category") or None, (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.catalogue(category=category, query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    rate = _rate(request)
    return render(
        request,
        "orders/catalogue.html",
        {
            "page": page,
            "rows": [(product, _price(product, rate)) for product in page],
            "categories": selectors.categories(),
            "category": category,
            "query": query,
        },
    )


@member_required
def product_detail(request: MerchantRequest, sku: str) -> HttpResponse:
    product = get_object_or_404(selectors.catalogue(), sku=sku)
    return render(
        request,
        "orders/product.html",
        {
            "product": product,
            "price": _price(product, _rate(request)),
            "form": QuantityForm(initial={"quantity": product.min_quantity}),
            "can_order": request.membership.role in ACTING_ROLES,
        },
    )


@require_POST
@member_required(roles=ACTING_ROLES)
def cart_add(request: MerchantRequest, sku: str) -> HttpResponse:
    product = get_object_or_404(selectors.catalogue(), sku=sku)
    try:
        services.add_to_cart(
            cart=services.cart_for(merchant=request.merchant, user=request.user),
            product=product,
            quantity=services.quantity_from(request.POST.get("quantity", "").strip()),
        )
    except services.OrderError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Added to your cart."))
    return redirect("orders:cart")


@member_required
def cart(request: MerchantRequest) -> HttpResponse:
    """The cart with the way to the minimum, quick order and CSV upload."""
    current = services.cart_for(merchant=request.merchant, user=request.user)
    lines = selectors.cart_lines(cart=current)
    summary = services.summarise(cart=current, lines=lines)
    return render(
        request,
        "orders/cart.html",
        {
            "lines": list(zip(lines, summary.lines, strict=False))
            if summary.lines
            else [(line, None) for line in lines],
            "summary": summary,
            "quick_form": QuickOrderForm(),
            "upload_form": CsvUploadForm(),
            "checkout_form": CheckoutForm(),
            "can_order": request.membership.role in ACTING_ROLES,
        },
    )


@require_POST
@member_required(roles=ACTING_ROLES)
def cart_set(request: MerchantRequest, product_id: int) -> HttpResponse:
    current = services.cart_for(merchant=request.merchant, user=request.user)
    line = get_object_or_404(selectors.lines_in(cart=current), product_id=product_id)
    form = QuantityForm(request.POST)
    if form.is_valid():
        try:
            services.set_quantity(cart=current, product=line.product, quantity=form.cleaned_data["quantity"])
        except services.OrderError as exc:
            messages.error(request, str(exc.message))
    return redirect("orders:cart")


def _report(request: MerchantRequest, result: services.LineErrors) -> None:
    if result.added:
        messages.success(request, _("%(count)s line(s) added to your cart.") % {"count": result.added})
    for number, error in result.errors:
        messages.error(request, _("Line %(number)s: %(error)s") % {"number": number, "error": error})


@require_POST
@member_required(roles=ACTING_ROLES)
def cart_quick(request: MerchantRequest) -> HttpResponse:
    form = QuickOrderForm(request.POST)
    if form.is_valid():
        current = services.cart_for(merchant=request.merchant, user=request.user)
        _report(request, services.add_lines(cart=current, text=form.cleaned_data["lines"]))
    return redirect("orders:cart")


@require_POST
@member_required(roles=ACTING_ROLES)
@rate_limited("uploads")
def cart_upload(request: MerchantRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST, request.FILES)
    if form.is_valid():
        current = services.cart_for(merchant=request.merchant, user=request.user)
        _report(request, services.add_lines(cart=current, text=form.cleaned_data["file"]))
    else:
        for error in form.errors.get("file", []):
            messages.error(request, str(error))
    return redirect("orders:cart")


@require_POST
@member_required(roles=ACTING_ROLES)
def checkout(request: MerchantRequest) -> HttpResponse:
    """Place the cart; every rule is checked again here, on the server."""
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return redirect("orders:cart")
    try:
        order = services.checkout(
            cart=services.cart_for(merchant=request.merchant, user=request.user),
            placed_by=request.user,
            delivery_mode=form.cleaned_data["delivery_mode"],
        )
    except services.OrderError as exc:
        messages.error(request, str(exc.message))
        return redirect("orders:cart")
    messages.success(request, _("Order %(reference)s is placed.") % {"reference": order.reference})
    return redirect("orders:order", reference=order.reference)


@member_required
def order_list(request: MerchantRequest) -> HttpResponse:
    """The merchant's orders with their status history, filtered by status, reference and period."""
    form = OrderFilterForm(request.GET or None)
    filters = {key: value for key, value in form.cleaned_data.items() if value} if form.is_valid() else {}
    page = Paginator(selectors.orders_for(merchant=request.merchant, **filters), 20).get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"page": page, "form": form})


@member_required
def order_detail(request: MerchantRequest, reference: str) -> HttpResponse:
    order = get_object_or_404(selectors.order_detail(merchant=request.merchant), reference=reference)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "can_cancel": order.status == Order.Status.AWAITING_PAYMENT and request.membership.role in ACTING_ROLES,
            "can_order": request.membership.role in ACTING_ROLES,
            "links": order_links(order=order, membership=request.membership),
        },
    )


@require_POST
@member_required(roles=ACTING_ROLES)
def order_cancel(request: MerchantRequest, reference: str) -> HttpResponse:
    order = get_object_or_404(selectors.orders_for(merchant=request.merchant), reference=reference)
    try:
        services.cancel_order(order=order, by=request.user, reason=_("Cancelled by the merchant"), source="portal")
    except services.OrderError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The order has been cancelled."))
    return redirect("orders:order", reference=reference)


@require_POST
@member_required(roles=ACTING_ROLES)
def order_reorder(request: MerchantRequest, reference: str) -> HttpResponse:
    """Put a past order's products back in the cart."""
    order = get_object_or_404(selectors.order_detail(merchant=request.merchant), reference=reference)
    current = services.cart_for(merchant=request.merchant, user=request.user)
    _report(request, services.add_order_lines(cart=current, order=order))
    return redirect("orders:cart")


@member_required
def invoice_download(request: MerchantRequest, reference: str, number: str) -> HttpResponseBase:
    """One of the merchant's invoices, as a PDF attachment."""
    invoice = get_object_or_404(selectors.invoices_of(merchant=request.merchant, reference=reference), number=number)
    return private_file_response(invoice.pdf, download_name=f"{invoice.number}.pdf", content_type="application/pdf")


@member_required
def product_photo(request: MerchantRequest, sku: str, pk: int) -> HttpResponseBase:
    """A catalogue photo, for members; checked by content when uploaded, served sandboxed."""
    photo = get_object_or_404(selectors.product_photos(sku=sku), pk=pk)
    return private_file_response(
        photo.image,
        download_name=(photo.image.name or "photo").rsplit("/", 1)[-1],
        content_type=photo.content_type,
        inline_image=True,
    )
