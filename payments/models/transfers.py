"""Bank transfers: the reference to pay, proofs sent by the merchant, staff reconciliations."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from payments.models.attempts import Payment, PaymentAttempt


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
