"""Reads of the payments domain; every merchant read starts from the merchant."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from merchants.models import Merchant
from orders.models import Order
from orders.money import Money
from payments.models import BankTransfer, Payment, PaymentAttempt, Reconciliation, Refund, TransferProof


class PaymentState:
    """An order's payment state, derived from its payments and refunds (never stored)."""

    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"

    LABELS = {
        UNPAID: _("Unpaid"),
        PARTIALLY_PAID: _("Partially paid"),
        PAID: _("Paid"),
        PARTIALLY_REFUNDED: _("Paid, partly refunded"),
        REFUNDED: _("Refunded"),
    }


@dataclass(frozen=True)
class PaymentSummary:
    total: Money
    received: Money
    refunded: Money
    refunds_pending: Money

    @property
    def due(self) -> Money:
        """What remains to pay (refunds do not make an order due again)."""
        missing = self.total.amount - self.received.amount
        return Money(max(missing, Decimal(0)), self.total.currency)

    @property
    def state(self) -> str:
        return derive_state(self.total.amount, self.received.amount, self.refunded.amount)

    @property
    def state_label(self) -> str:
        return str(PaymentState.LABELS[self.state])


def derive_state(total: Decimal, received: Decimal, refunded: Decimal) -> str:
    """unpaid, partially paid, paid, partially refunded or refunded, from the amounts."""
    if received <= 0:
        return PaymentState.UNPAID
    if refunded >= received:
        return PaymentState.REFUNDED
    if refunded > 0:
        return PaymentState.PARTIALLY_REFUNDED
    if received < total:
        return PaymentState.PARTIALLY_PAID
    return PaymentState.PAID


def payment_summary(*, order: Order) -> PaymentSummary:
    """What the order has received and returned, in its currency."""
    currency = order.currency
    received = Payment.objects.filter(order=order).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    refunds = Refund.objects.filter(order=order)
    refunded = refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    pending = refunds.filter(status__in=[Refund.Status.REQUESTED, Refund.Status.PENDING]).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)
    return PaymentSummary(
        total=Money(order.total, currency),
        received=Money(received, currency),
        refunded=Money(refunded, currency),
        refunds_pending=Money(pending, currency),
    )


def with_payment_totals(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Orders annotated with `received` and `refunded` (one query for a list page)."""
    amount = DecimalField(max_digits=16, decimal_places=3)
    received = Payment.objects.filter(order=OuterRef("pk")).values("order").annotate(s=Sum("amount")).values("s")[:1]
    refunded = (
        Refund.objects.filter(order=OuterRef("pk"), status=Refund.Status.SUCCEEDED)
        .values("order")
        .annotate(s=Sum("amount"))
        .values("s")[:1]
    )
    zero = Value(Decimal(0), output_field=amount)
    return orders.annotate(
        received=Coalesce(Subquery(received, output_field=amount), zero),
        refunded=Coalesce(Subquery(refunded, output_field=amount), zero),
    )


def payable_order(*, merchant: Merchant) -> QuerySet[Order]:
    """The merchant's orders, with what the payment pages show."""
    return Order.objects.filter(merchant=merchant).select_related("merchant")


def attempts_of(*, order: Order) -> QuerySet[PaymentAttempt]:
    """The order's payment attempts, newest first (an attempt of another order is not among them)."""
    return PaymentAttempt.objects.filter(order=order).order_by("-number")


def transfer_of(*, order: Order) -> BankTransfer | None:
    """The order's bank transfer, if bank transfer was chosen."""
    return BankTransfer.objects.filter(order=order).first()


def proofs_of(*, transfer: BankTransfer) -> QuerySet[TransferProof]:
    """The transfer's proofs, oldest first, with who uploaded them."""
    return transfer.proofs.select_related("uploaded_by").order_by("uploaded_at", "pk")


def proofs_for(*, merchant: Merchant, reference: str) -> QuerySet[TransferProof]:
    """The proofs of transfer of the merchant's order `reference` (another merchant's proof is not among them)."""
    return TransferProof.objects.filter(transfer__order__merchant=merchant, transfer__order__reference=reference)


def reconciliations_of(*, transfer: BankTransfer) -> QuerySet[Reconciliation]:
    """What finance recorded for the transfer, in the order it was recorded."""
    return Reconciliation.objects.filter(transfer=transfer).order_by("at", "pk")
