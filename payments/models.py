"""Payments: the eligibility registry, payment attempts and their records, provider events, bank transfers.

Money received and money returned are rows (`Payment`, `Refund`), never a status flag: an order's payment
state (unpaid, partially paid, paid, partially refunded, refunded) is derived from them
(`payments.selectors.payment_summary`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Order

CODES = RegexValidator(
    r"^([A-Z]{2,3})?(\s*[, ]\s*[A-Z]{2,3})*\Z",
    _("Use capital-letter ISO codes separated by spaces or commas, e.g. SAR USD, or FR DE."),
)
PAYMENTS_DOC = "PAYMENTS.md (the providers' published rules, as the store read them)"


def split_codes(value: str) -> list[str]:
    """'SAR, usd EUR' -> ['SAR', 'USD', 'EUR']."""
    return [code.strip().upper() for code in value.replace(",", " ").split() if code.strip()]


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    MOYASAR = "moyasar", _("Saudi card gateway (Moyasar)")
    TABBY = "tabby", "Tabby"
    TAMARA = "tamara", "Tamara"
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


class PaymentMethod(models.Model):
    """One way to pay, with the rules under which it may be offered (seeded from PAYMENTS.md, edited by finance)."""

    code = models.SlugField(_("method"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=80)
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    provider_type = models.CharField(
        _("type sent to the provider"),
        max_length=32,
        help_text=_(
            "Stripe's payment method type (wallets such as Apple Pay and Google Pay travel as 'card' and need the "
            "domain registered with Stripe); the method itself for other providers."
        ),
    )
    currencies = models.CharField(
        _("currencies"),
        max_length=300,
        blank=True,
        validators=[CODES],
        help_text=_("ISO 4217 codes the provider accepts for this method; blank means any currency Stripe supports."),
    )
    buyer_countries = models.CharField(
        _("buyer countries"),
        max_length=300,
        blank=True,
        validators=[CODES],
        help_text=_("ISO 3166 codes of the merchant countries allowed; blank means worldwide."),
    )
    excluded_countries = models.CharField(
        _("excluded countries"),
        max_length=300,
        blank=True,
        validators=[CODES],
        help_text=_("Countries where the provider does not offer it (e.g. Google Pay in India)."),
    )
    domestic_only = models.BooleanField(
        _("domestic only"),
        default=False,
        help_text=_("The buyer must be in the country of the store's Stripe account (STRIPE_ACCOUNT_COUNTRY)."),
    )
    provider_allows_b2b = models.BooleanField(
        _("the provider allows business purchases"),
        default=True,
        help_text=_("As the provider's published terms say. Our merchants are businesses: when No, it is not offered."),
    )
    contract_allows_b2b = models.BooleanField(
        _("the store's contract allows business purchases"),
        default=False,
        help_text=_(
            "Tick only when the store's own contract with the provider allows business purchases despite its "
            "published terms; name the contract in the notes."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    source_url = models.URLField(_("source"), max_length=300, blank=True, help_text=_("The provider's published rule."))
    source_note = models.TextField(_("what the source says"), blank=True)
    unverified = models.CharField(
        _("still to confirm"),
        max_length=200,
        blank=True,
        help_text=_("Points of the rule finance has not confirmed with the provider yet (blank: all confirmed)."),
    )
    notes = models.TextField(_("notes"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        ordering = ("position", "code")

    def __str__(self) -> str:
        return self.name

    @property
    def currency_list(self) -> list[str]:
        return split_codes(self.currencies)

    @property
    def country_list(self) -> list[str]:
        return split_codes(self.buyer_countries)

    @property
    def excluded_list(self) -> list[str]:
        return split_codes(self.excluded_countries)

    def clean(self) -> None:
        if self.contract_allows_b2b and not self.provider_allows_b2b and len(self.notes.strip()) < 5:
            raise ValidationError({"notes": _("Name the contract that allows business purchases.")})


class PaymentMethodLimit(models.Model):
    """Minimum and maximum order amount for a method in one currency."""

    method = models.ForeignKey(PaymentMethod, on_delete=models.CASCADE, related_name="limits")
    currency = models.CharField(
        _("currency"), max_length=3, validators=[RegexValidator(r"^[A-Z]{3}\Z", _("Three capital letters."))]
    )
    minimum = models.DecimalField(
        _("minimum"), null=True, blank=True, validators=[MinValueValidator(0)], max_digits=16, decimal_places=3
    )
    maximum = models.DecimalField(
        _("maximum"), null=True, blank=True, validators=[MinValueValidator(0)], max_digits=16, decimal_places=3
    )

    class Meta:
        verbose_name = _("amount limit")
        verbose_name_plural = _("amount limits")
        ordering = ("currency",)
        constraints = [models.UniqueConstraint(fields=["method", "currency"], name="one_limit_per_method_currency")]

    def __str__(self) -> str:
        return f"{self.method_id} {self.currency} {self.minimum}–{self.maximum}"

    def clean(self) -> None:
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValidationError({"maximum": _("The maximum is below the minimum.")})


class PaymentMethodChange(models.Model):
    """A change finance made to a method's rules: who, when, what, why."""

    method = models.ForeignKey(PaymentMethod, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.TextField(_("reason"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("rule change")
        verbose_name_plural = _("rule changes")
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.method_id} {self.at:%Y-%m-%d}"


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


class ProviderEvent(models.Model):
    """A verified event from a provider (webhook, or a verified return), stored once by its id."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Received")
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Not about a payment of ours")
        MISMATCH = "mismatch", _("Did not match the order: left for finance")

    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    event_id = models.CharField(_("event id"), max_length=200)
    type = models.CharField(_("type"), max_length=80)
    object_id = models.CharField(_("object"), max_length=120, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.RECEIVED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        ordering = ("-received_at", "-pk")
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="one_event_per_provider_id")]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class BankTransfer(models.Model):
    """A Saudi merchant's bank transfer for an order: the reference to quote, proofs, and finance's reconciliation."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("Waiting for the transfer")
        PROOF_RECEIVED = "proof_received", _("Proof received, to reconcile")
        PARTIALLY_RECEIVED = "partially_received", _("Partly received")
        RECEIVED = "received", _("Received")
        NOT_RECEIVED = "not_received", _("Not received")
        EXPIRED = "expired", _("Expired")
        CLOSED = "closed", _("Closed: paid another way")

    #: waiting for money: proofs accepted, reconciled by finance, closed if the order is paid another way
    OPEN = (Status.AWAITING, Status.PROOF_RECEIVED, Status.PARTIALLY_RECEIVED)
    #: still expected: reminded, expired when nothing arrived (not received: the merchant may still pay)
    EXPECTED = (*OPEN, Status.NOT_RECEIVED)

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="bank_transfer")
    attempt = models.OneToOneField(PaymentAttempt, on_delete=models.PROTECT, related_name="bank_transfer")
    reference = models.CharField(_("payment reference"), max_length=24, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.AWAITING)
    created_at = models.DateTimeField(_("chosen"), default=timezone.now)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("bank transfer")
        verbose_name_plural = _("bank transfers")
        ordering = ("-created_at", "-pk")
        permissions = [("reconcile_banktransfer", "Can reconcile bank transfers")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "awaiting",
                        "proof_received",
                        "partially_received",
                        "received",
                        "not_received",
                        "expired",
                        "closed",
                    ]
                ),
                name="bank_transfer_status_known",
            )  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.reference


def _proof_path(instance: TransferProof, filename: str) -> str:
    # The name is chosen by portal.uploads.private_name before saving; never the uploader's.
    return filename


class TransferProof(models.Model):
    """A proof of transfer uploaded by the merchant (PDF, PNG or JPEG, checked by content, stored privately)."""

    transfer = models.ForeignKey(BankTransfer, on_delete=models.CASCADE, related_name="proofs")
    file = models.FileField(_("file"), upload_to=_proof_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("proof of transfer")
        verbose_name_plural = _("proofs of transfer")
        ordering = ("uploaded_at", "pk")

    def __str__(self) -> str:
        return self.original_name


class Reconciliation(models.Model):
    """Finance's decision on a bank transfer: received in full, in part, or not received."""

    class Outcome(models.TextChoices):
        FULL = "full", _("Received in full")
        PARTIAL = "partial", _("Partly received")
        NOT_RECEIVED = "not_received", _("Not received")

    transfer = models.ForeignKey(BankTransfer, on_delete=models.PROTECT, related_name="reconciliations")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    amount = models.DecimalField(_("amount received"), default=Decimal(0), max_digits=16, decimal_places=3)
    bank_reference = models.CharField(_("bank's transaction reference"), max_length=80, blank=True)
    note = models.TextField(_("note"))
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.transfer_id} {self.outcome}"


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
