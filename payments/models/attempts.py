"""Payment attempts and the money they move: payments, refunds, the payment history, the order's payment side."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from payments.models.methods import Provider


class PaymentAttempt(models.Model):
    """One try at paying an order with one provider: a PaymentIntent, a gateway invoice, a checkout, a transfer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the payer")
        PROCESSING = "processing", _("Processing")
        AUTHORISED = "authorised", _("Authorised, to be captured")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        CANCELED = "canceled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payment_attempts")
    number = models.PositiveIntegerField(_("attempt"))
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    methods = models.JSONField(_("methods offered"), default=list)
    method_used = models.CharField(_("method used"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3)
    amount_minor = models.BigIntegerField(_("amount sent (smallest unit)"))
    provider_reference = models.CharField(_("provider reference"), max_length=120, blank=True)
    checkout_url = models.URLField(_("provider's payment page"), max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True)
    failure_message = models.CharField(_("last error"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")
        ordering = ("order", "number")
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="one_attempt_number_per_order"),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~models.Q(provider_reference=""),
                name="one_attempt_per_provider_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "processing", "authorised", "succeeded", "failed", "canceled", "expired"]
                ),
                name="payment_attempt_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.number} {self.provider}"


class Payment(models.Model):
    """Money received for an order, once per provider reference (a charge, a capture, a bank credit)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    reference = models.CharField(_("provider reference"), max_length=120)
    method = models.CharField(_("method"), max_length=40, blank=True)
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(Decimal("0.001"))], max_digits=16, decimal_places=3
    )
    currency = models.CharField(_("currency"), max_length=3)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        "ProviderEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("event")
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ("received_at", "pk")
        constraints = [models.UniqueConstraint(fields=["provider", "reference"], name="one_payment_per_reference")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.reference})"


class Refund(models.Model):
    """Money returned, asked for by finance (or seen at the provider), confirmed by the provider's event."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PENDING = "pending", _("Sent, waiting for the provider's confirmation")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(Decimal("0.001"))], max_digits=16, decimal_places=3
    )
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    provider_reference = models.CharField(_("provider reference"), max_length=120, blank=True)
    reason = models.TextField(_("reason"))
    failure_message = models.CharField(_("error"), max_length=300, blank=True)
    #: sent with every request for this refund, so that a retry after a lost answer cannot refund twice
    idempotency_key = models.CharField(max_length=80, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ("requested_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "provider_reference"],
                condition=~models.Q(provider_reference=""),
                name="one_refund_per_provider_reference",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["requested", "pending", "succeeded", "failed"]),
                name="refund_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_status_display()})"


class PaymentAction(models.Model):
    """The payment history of an order: every action, by whom (a member, staff, a provider), when, why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payment_actions")
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    action = models.CharField(_("action"), max_length=40)
    amount = models.DecimalField(_("amount"), null=True, blank=True, max_digits=16, decimal_places=3)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.CharField(_("source"), max_length=32, help_text=_("portal, admin, stripe, tabby, schedule..."))
    note = models.TextField(_("note"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    notified_at = models.DateTimeField(_("merchant notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment history")
        verbose_name_plural = _("payment history")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"


class OrderPayment(Order):
    """An order seen from the payment side (finance's page: eligibility, attempts, payments, refunds)."""

    class Meta:
        proxy = True
        verbose_name = _("order payment")
        verbose_name_plural = _("order payments")
        permissions = [("refund_payment", "Can refund payments")]
