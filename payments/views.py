"""HTTP of payments: the merchant's payment pages and the providers' webhooks."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from merchants.access import ACTING_ROLES, MerchantRequest, member_required
from orders.models import Order
from payments import selectors, services
from payments.forms import ProofForm
from payments.models import BankTransfer, PaymentAttempt, Provider
from portal.http import client_ip
from portal.ratelimit import rate_limited
from portal.uploads import private_file_response

logger = logging.getLogger(__name__)


def _order(request: MerchantRequest, reference: str) -> Order:
    return get_object_or_404(selectors.payable_order(merchant=request.merchant), reference=reference)


def _attempt(order: Order, number: int) -> PaymentAttempt:
    return get_object_or_404(selectors.attempts_of(order=order), number=number)


@require_GET
@member_required
def pay(request: MerchantRequest, reference: str) -> HttpResponse:
    """How the order can be paid (only the methods it is eligible for), what it has received, its attempts."""
    order = _order(request, reference)
    summary = selectors.payment_summary(order=order)
    options = services.payment_options(order=order)
    can_pay = (
        order.status == Order.Status.AWAITING_PAYMENT
        and summary.due.amount > 0
        and request.membership.role in ACTING_ROLES
    )
    return render(
        request,
        "payments/pay.html",
        {
            "order": order,
            "summary": summary,
            "can_pay": can_pay,
            "stripe_methods": options.stripe,
            "saudi_methods": options.saudi,
            "offers_transfer": options.transfer,
            "transfer": selectors.transfer_of(order=order),
            "attempts": list(selectors.attempts_of(order=order)[:20]),
        },
    )


@require_POST
@member_required(roles=ACTING_ROLES)
def start(request: MerchantRequest, reference: str, provider: str) -> HttpResponse:
    """Open a payment with a provider; refused on the server when the order is not eligible for it."""
    if not services.is_checkout_provider(provider):
        raise Http404
    order = _order(request, reference)
    try:
        attempt = services.start_payment(
            order=order,
            provider=provider,
            by=request.user,
            base_url=request.build_absolute_uri("/"),
            ip_address=client_ip(request),
        )
    except services.PaymentError as exc:
        messages.error(request, str(exc.message))
        return redirect("pay:order", reference=reference)
    return redirect("pay:attempt", reference=reference, number=attempt.number)


@require_GET
@member_required
def attempt(request: MerchantRequest, reference: str, number: int) -> HttpResponse:
    """An attempt's page: Stripe's Payment Element, or the way to the provider's page, or where it stands."""
    order = _order(request, reference)
    attempt = _attempt(order, number)
    open_ = attempt.status in {PaymentAttempt.Status.PENDING, PaymentAttempt.Status.FAILED}
    context = {"order": order, "attempt": attempt, "open": open_ and order.status == Order.Status.AWAITING_PAYMENT}
    if attempt.provider == Provider.STRIPE and context["open"] and request.membership.role in ACTING_ROLES:
        try:
            client_secret = services.stripe_client_secret(attempt=attempt)
        except services.PaymentError as exc:
            messages.error(request, str(exc.message))
            return redirect("pay:order", reference=reference)
        return render(
            request,
            "payments/stripe.html",
            {
                **context,
                "client_secret": client_secret,
                "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
                "stripe_js_url": settings.STRIPE_JS_URL,
                "return_url": request.build_absolute_uri(
                    reverse("pay:attempt_return", kwargs={"reference": reference, "number": number})
                ),
                "locale": get_language() or "en",
            },
        )
    return render(request, "payments/attempt.html", context)


@never_cache
@require_GET
@member_required
def attempt_return(request: MerchantRequest, reference: str, number: int) -> HttpResponse:
    """The payer is back from the provider: nothing in the address is trusted; the provider is asked."""
    order = _order(request, reference)
    attempt = _attempt(order, number)
    if attempt.provider == Provider.STRIPE:
        order.refresh_from_db()
        return render(
            request,
            "payments/stripe_return.html",
            {"order": order, "attempt": attempt, "summary": selectors.payment_summary(order=order)},
        )
    try:
        attempt = services.handle_return(
            attempt=attempt, params={key: str(value) for key, value in request.GET.items()}, by=request.user
        )
    except services.PaymentError as exc:
        messages.error(request, str(exc.message))
        return redirect("pay:order", reference=reference)
    if attempt.status == PaymentAttempt.Status.SUCCEEDED:
        messages.success(request, _("Thank you: your payment has been received."))
    elif attempt.status in {PaymentAttempt.Status.PROCESSING, PaymentAttempt.Status.AUTHORISED}:
        messages.info(request, _("Your payment is being confirmed by the provider. This page will show it once done."))
    else:
        messages.warning(request, _("The payment was not completed. You can try again or choose another method."))
    return redirect("pay:order", reference=reference)


@member_required
def bank_transfer(request: MerchantRequest, reference: str) -> HttpResponse:
    """GET: the store's IBAN, the order's reference to quote, the amount, the proofs. POST: choose bank transfer."""
    order = _order(request, reference)
    if request.method == "POST":
        if request.membership.role not in ACTING_ROLES:
            return HttpResponse(status=403)
        try:
            services.choose_bank_transfer(order=order, by=request.user, ip_address=client_ip(request))
        except services.PaymentError as exc:
            messages.error(request, str(exc.message))
            return redirect("pay:order", reference=reference)
        return redirect("pay:bank_transfer", reference=reference)
    if request.method != "GET":
        return HttpResponse(status=405)
    transfer = selectors.transfer_of(order=order)
    if transfer is None:
        return redirect("pay:order", reference=reference)
    return render(
        request,
        "payments/bank_transfer.html",
        {
            "order": order,
            "transfer": transfer,
            "summary": selectors.payment_summary(order=order),
            "proofs": list(selectors.proofs_of(transfer=transfer)),
            "reconciliations": list(selectors.reconciliations_of(transfer=transfer)),
            "form": ProofForm(),
            "can_upload": request.membership.role in ACTING_ROLES and transfer.status in BankTransfer.EXPECTED,
            "iban": settings.BANK_TRANSFER_IBAN,
            "beneficiary": settings.BANK_TRANSFER_BENEFICIARY,
            "bank_name": settings.BANK_TRANSFER_BANK_NAME,
        },
    )


@require_POST
@member_required(roles=ACTING_ROLES)
@rate_limited("uploads")
def proof_upload(request: MerchantRequest, reference: str) -> HttpResponse:
    """Add a proof of transfer (checked by content, kept private)."""
    order = _order(request, reference)
    transfer = selectors.transfer_of(order=order)
    if transfer is None:
        raise Http404
    form = ProofForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file of your proof of transfer."))
        return redirect("pay:bank_transfer", reference=reference)
    try:
        services.add_proof(
            transfer=transfer, upload=form.cleaned_data["file"], by=request.user, ip_address=client_ip(request)
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except services.PaymentError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Thank you: your proof has been sent to our finance team."))
    return redirect("pay:bank_transfer", reference=reference)


@require_GET
@member_required
def proof_download(request: MerchantRequest, reference: str, pk: int) -> HttpResponseBase:
    """One of the order's proofs of transfer, for the merchant's members only."""
    proof = get_object_or_404(selectors.proofs_for(merchant=request.merchant, reference=reference), pk=pk)
    return private_file_response(proof.file, download_name=proof.original_name, content_type=proof.content_type)


@csrf_exempt
@never_cache
@require_POST
@rate_limited("webhooks")
def webhook(request: HttpRequest, provider: str) -> JsonResponse:
    """A provider's event: verify it, store it once, enqueue its processing. Nothing else happens here."""
    if not services.is_checkout_provider(provider):
        raise Http404
    try:
        incoming = services.verify_event(
            provider=provider, body=request.body, headers=request.headers, query=request.GET
        )
    except services.MalformedEvent:
        # Signed or authenticated by the provider, but not an event as documented: refused, not a forgery.
        logger.warning("malformed provider event", extra={"provider": provider})
        return JsonResponse({"error": "invalid event"}, status=400)
    except services.InvalidEvent:
        services.record_invalid_event(provider=provider, request=request)
        return JsonResponse({"error": "invalid event"}, status=400)
    event, created = services.receive_event(provider=provider, incoming=incoming)
    return JsonResponse({"received": True, "duplicate": not created})


@csrf_exempt
@never_cache
@require_POST
@rate_limited("webhooks")
def moyasar_invoice_callback(request: HttpRequest) -> JsonResponse:
    """The gateway says an invoice changed: the invoice is read again from the gateway; the call proves nothing."""
    try:
        invoice_id = services.verify_invoice_callback(body=request.body)
    except services.InvalidEvent:
        services.record_invalid_event(provider="moyasar", request=request)
        return JsonResponse({"error": "invalid callback"}, status=400)
    services.poke_invoice(invoice_id=invoice_id)
    return JsonResponse({"received": True})
