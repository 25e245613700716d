"""Starting a payment with a provider, and the payer's return.

The merchant's country, currency and amount are checked again here, on the server, whatever the page showed:
a method the order is not eligible for is refused (`MethodNotOffered`).
"""

from __future__ import annotations

import logging
from typing import cast

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from audit.disclosures import Recipient, record_disclosure
from merchants.models import User
from orders import services as orders
from orders.models import Order
from orders.money import MINOR_UNITS, Money, to_minor_units
from payments.errors import IllegalTransition, MethodNotOffered, NothingToPay, OrderNotPayable, PaymentError
from payments.models import PaymentAttempt, Provider, ProviderEvent
from payments.providers import ADAPTERS, get_provider
from payments.providers.base import Buyer, Urls, from_minor
from payments.providers.stripe import StripeProvider
from payments.selectors import payment_summary
from payments.services import machines
from payments.services.eligibility import eligibility_for
from payments.services.records import OPEN, apply_provider_state, lock_attempt, move_attempt, record_action

logger = logging.getLogger(__name__)

#: What each provider receives from us when a payment starts, for the disclosure ledger: Tabby and Tamara the
#: buyer's details (their checkout asks for them); Stripe and the Mada gateway the order's reference and amount
#: and the merchant's opaque code (card details go from the payer's browser to them, never through us).
DISCLOSED_TO: dict[str, tuple[str, tuple[str, ...]]] = {
    "tabby": ("Tabby", ("name", "email", "phone", "address", "company", "order")),
    "tamara": ("Tamara", ("name", "email", "phone", "address", "company", "order")),
    "stripe": ("Stripe", ("company", "order")),
    "moyasar": ("Moyasar (mada)", ("company", "order")),
}


def stripe_amount(money: Money) -> int:
    """The smallest unit Stripe takes; three-decimal currencies go in whole tens (Stripe's rule), rounded up."""
    minor = to_minor_units(money)
    if MINOR_UNITS.get(money.currency) == 3 and minor % 10:
        minor += 10 - minor % 10
    return minor


def is_checkout_provider(provider: str) -> bool:
    """Whether the portal opens payments with `provider` and receives its events (the Saudi bank transfer is not
    one: it has no adapter)."""
    return provider in ADAPTERS


def stripe_client_secret(*, attempt: PaymentAttempt) -> str:
    """The client secret of the attempt's PaymentIntent for its payment page, read from Stripe (never stored)."""
    return cast(StripeProvider, get_provider(Provider.STRIPE)).client_secret(attempt=attempt)


def _payable(order_id: int) -> Order:
    order = orders.lock_order(order_id, related=("merchant",))
    if order.status != Order.Status.AWAITING_PAYMENT:
        raise OrderNotPayable
    return order


def new_attempt(
    *, order: Order, provider: str, methods: list[str], by: User, reference: str = "", ip_address: str | None = None
) -> PaymentAttempt:
    """A new numbered attempt for what remains due (the caller holds the order's row lock)."""
    due = payment_summary(order=order).due
    if due.amount <= 0:
        raise NothingToPay
    minor = stripe_amount(due) if provider == Provider.STRIPE else to_minor_units(due)
    number = (PaymentAttempt.objects.filter(order=order).aggregate(n=Max("number"))["n"] or 0) + 1
    attempt = PaymentAttempt.objects.create(
        order=order,
        number=number,
        provider=provider,
        methods=methods,
        amount=from_minor(minor, order.currency),
        currency=order.currency,
        amount_minor=minor,
        provider_reference=reference,
        idempotency_key=f"order-{order.pk}-attempt-{number}",
        created_by=by,
    )
    record_action(
        order=order,
        attempt=attempt,
        action="attempt_started",
        source="portal",
        by=by,
        amount=attempt.amount,
        ip_address=ip_address,
    )
    return attempt


def buyer_of(*, order: Order, user: User) -> Buyer:
    """What a checkout provider needs about the buyer: the member, and the company's application details."""
    application = getattr(order.merchant, "application", None)
    return Buyer(
        name=user.get_full_name(),
        email=user.email,
        phone=getattr(application, "contact_phone", "") or "",
        company=order.merchant.legal_name,
        address=getattr(application, "address", "") or "",
        language=getattr(user, "language", "en"),
    )


def urls_for(*, attempt: PaymentAttempt, base_url: str) -> Urls:
    """Where the provider sends the payer back, and where it notifies us."""
    base = base_url.rstrip("/")
    back = reverse("pay:attempt_return", args=[attempt.order.reference, attempt.number])
    notification = reverse("payments:webhook", args=[attempt.provider])
    if attempt.provider == Provider.MOYASAR:
        notification = reverse("payments:moyasar_invoice_callback")
    return Urls(
        success=f"{base}{back}?outcome=success",
        cancel=f"{base}{back}?outcome=cancel",
        failure=f"{base}{back}?outcome=failure",
        notification=f"{base}{notification}",
    )


def start_payment(
    *, order: Order, provider: str, by: User, base_url: str, ip_address: str | None = None
) -> PaymentAttempt:
    """Open a payment with `provider` for what the order still owes, if the order is eligible for it.

    Stripe: a PaymentIntent for every eligible Stripe method type (an open one is reused on reload).
    The Saudi methods: a gateway invoice or a checkout session, and its page's address.
    The order's other open attempts, with any provider, are then cancelled (best effort): one payment at a time.
    """
    with transaction.atomic():
        order = _payable(order.pk)
        methods = eligibility_for(order=order).for_provider(provider)
        if not methods or provider == Provider.BANK_TRANSFER:
            raise MethodNotOffered
        codes = [method.code for method in methods]
        due = payment_summary(order=order).due
        open_attempt = (
            PaymentAttempt.objects.filter(order=order, provider=provider, status=PaymentAttempt.Status.PENDING)
            .exclude(provider_reference="")
            .order_by("-number")
            .first()
        )
        if (
            open_attempt is not None
            and provider == Provider.STRIPE
            and open_attempt.methods == codes
            and open_attempt.amount_minor == stripe_amount(due)
        ):
            return open_attempt
        attempt = new_attempt(order=order, provider=provider, methods=codes, by=by, ip_address=ip_address)
    adapter = get_provider(provider)
    buyer = buyer_of(order=order, user=by)
    try:
        checkout = adapter.create_payment(
            attempt=attempt,
            order=order,
            urls=urls_for(attempt=attempt, base_url=base_url),
            buyer=buyer,
            provider_types=[method.provider_type for method in methods],
        )
    except PaymentError as exc:
        with transaction.atomic():  # the provider's refusal, recorded under the attempt's lock
            machines.set_status(
                machines.ATTEMPT,
                lock_attempt(attempt.pk),
                to=PaymentAttempt.Status.FAILED,
                changes={"failure_message": str(exc.params.get("provider_answer", ""))[:300]},
            )
        record_action(order=order, attempt=attempt, action="attempt_refused", source=provider, note=exc.code)
        raise
    finally:
        if provider in DISCLOSED_TO:
            _record_disclosure(order=order, user=by, provider=provider)
    attempt.provider_reference = checkout.reference
    attempt.checkout_url = checkout.redirect_url
    attempt.save(update_fields=["provider_reference", "checkout_url", "updated_at"])
    cancel_other_attempts(attempt=attempt)
    return attempt


def _record_disclosure(*, order: Order, user: User, provider: str) -> None:
    name, categories = DISCLOSED_TO[provider]
    record_disclosure(
        recipient=Recipient.PAYMENT_PROVIDER,
        recipient_name=name,
        categories=categories,
        purpose=f"Checkout of order {order.reference} with {name}",
        user=user,
        order=order,
    )


def cancel_other_attempts(*, attempt: PaymentAttempt) -> int:
    """Cancel, best effort, the order's other open attempts at their providers (a new attempt replaces them).

    A provider that refuses (the payer has just paid there) leaves its attempt as it is: its events still apply,
    and money beyond the order's total is flagged for finance. A bank transfer stays open: money may be on its way.
    """
    others = (
        PaymentAttempt.objects.filter(order_id=attempt.order_id, status__in=OPEN)
        .exclude(pk=attempt.pk)
        .exclude(provider=Provider.BANK_TRANSFER)
        .exclude(provider_reference="")
        .order_by("number")
    )
    cancelled = 0
    for other in others:
        try:
            get_provider(other.provider).cancel(attempt=other)
        except PaymentError as exc:
            logger.info("open attempt not cancelled", extra={"attempt": other.pk, "error": exc.code})
            continue
        with transaction.atomic():
            other = lock_attempt(other.pk)
            try:
                move_attempt(other, to=PaymentAttempt.Status.CANCELED)
            except IllegalTransition:  # paid or closed meanwhile: its provider's state decides
                continue
            record_action(
                order=other.order,
                attempt=other,
                action="attempt_replaced",
                source="portal",
                note=f"Replaced by attempt {attempt.number} ({attempt.provider}).",
            )
        cancelled += 1
    return cancelled


def handle_return(*, attempt: PaymentAttempt, params: dict[str, str], by: User) -> PaymentAttempt:
    """The payer is back from the provider's page: for the Saudi methods, read the payment again and record it.

    Stripe payments wait for Stripe's webhook (the return only shows that it is being confirmed).
    """
    if attempt.provider != Provider.STRIPE and attempt.provider_reference:
        event = ProviderEvent.objects.create(
            provider=attempt.provider,
            event_id=f"return:{attempt.pk}:{timezone.now().timestamp():.6f}",
            type="return",
            object_id=attempt.provider_reference,
            payload={"outcome": str(params.get("outcome", ""))[:20]},
            attempt=attempt,
        )
        outcome = apply_provider_state(attempt_id=attempt.pk, source=attempt.provider, event=event)
        ProviderEvent.objects.filter(pk=event.pk).update(outcome=outcome, processed_at=timezone.now())
    attempt.refresh_from_db()
    return attempt
