"""Branding: design requests, their quotes and versioned proofs, and the merchant's brand kit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedTextField


class BrandingRequest(models.Model):
    """A merchant's commission: logo, packaging, conditioning and/or printing."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        QUOTED = "quoted", _("Quoted")
        IN_DESIGN = "in_design", _("In design")
        PROOF_SENT = "proof_sent", _("Proof sent")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        IN_PRODUCTION = "in_production", _("In production")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="branding_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    logo = models.BooleanField(_("logo design"), default=False)
    packaging = models.BooleanField(_("packaging design (boxes, bags, labels)"), default=False)
    conditioning = models.BooleanField(_("conditioning (unit, inner pack, carton)"), default=False)
    printing = models.BooleanField(_("printing (inserts, cards, stickers, tissue)"), default=False)
    brief = models.TextField(_("brief"))
    target_market = models.CharField(_("target market"), max_length=200, blank=True)
    languages = models.CharField(_("languages on the designs"), max_length=200, blank=True)
    colours = models.CharField(_("colours"), max_length=200, blank=True)
    quantities = models.CharField(_("quantities"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    quote_price = models.DecimalField(_("quoted price (SAR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    quote_lead_days = models.PositiveSmallIntegerField(_("lead time (days)"), null=True, blank=True)
    revision_rounds_included = models.PositiveSmallIntegerField(_("revision rounds included"), default=2)
    revision_rounds_used = models.PositiveSmallIntegerField(_("revision rounds used"), default=0)
    approved_proof = models.ForeignKey("Proof", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("branding request")
        verbose_name_plural = _("branding requests")
        ordering = ("deadline", "-created_at")
        permissions = [("work_on_brandingrequest", "Can quote, send proofs and move branding requests")]

    def __str__(self) -> str:
        return self.reference

    @property
    def kinds(self) -> list[str]:
        return [
            str(getattr(self._meta.get_field(k), "verbose_name", k))
            for k in ("logo", "packaging", "conditioning", "printing")
            if getattr(self, k)
        ]

    @property
    def extra_rounds(self) -> int:
        """Revision rounds beyond what the quote included (flagged to staff)."""
        return max(0, self.revision_rounds_used - self.revision_rounds_included)


class BrandingFile(models.Model):
    """A reference file of a request, or the file of a proof: checked by content, stored privately."""

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(BrandingRequest, on_delete=models.CASCADE, related_name="files", null=True, blank=True)
    file = models.FileField(upload_to="branding/", max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=32)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("uploaded_at", "pk")

    def __str__(self) -> str:
        return self.original_name


class Proof(models.Model):
    """One version of the design sent to the merchant; earlier versions stay visible."""

    request = models.ForeignKey(BrandingRequest, on_delete=models.CASCADE, related_name="proofs")
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.OneToOneField(BrandingFile, on_delete=models.PROTECT, related_name="proof")
    notes = models.TextField(_("notes"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("version",)
        constraints = [models.UniqueConstraint(fields=["request", "version"], name="one_proof_per_version")]

    def __str__(self) -> str:
        return f"{self.request_id} v{self.version}"


class RequestEvent(models.Model):
    """The history of a request: each move, with who, when and why."""

    request = models.ForeignKey(BrandingRequest, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=BrandingRequest.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.request_id} {self.status}"


class Comment(models.Model):
    request = models.ForeignKey(BrandingRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.request_id} {self.at:%Y-%m-%d}"


class BrandKit(models.Model):
    """What white-label shipments wear: versioned, one active version per merchant."""

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="brand_kits")
    version = models.PositiveSmallIntegerField(_("version"))
    is_active = models.BooleanField(_("active"), default=True)
    logo = models.ForeignKey(BrandingFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sender_name = models.CharField(_("sender name"), max_length=200)
    return_address = EncryptedTextField(_("return address"))
    colours = models.CharField(_("colours"), max_length=200, blank=True)
    slip_message = models.TextField(_("message on the packing slip"), blank=True)
    insert_text = models.TextField(_("optional insert"), blank=True)
    source_proof = models.ForeignKey(Proof, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("brand kit")
        verbose_name_plural = _("brand kits")
        ordering = ("-version",)
        constraints = [
            models.UniqueConstraint(fields=["merchant", "version"], name="one_kit_per_version"),
            models.UniqueConstraint(
                fields=["merchant"], condition=models.Q(is_active=True), name="one_active_kit_per_merchant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} v{self.version}"
