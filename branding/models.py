"""Branding: design requests, their quotes and versioned proofs, and the merchant's brand kit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedTextField

KIND_FIELDS = ("logo", "packaging", "conditioning", "printing")
KIND_LABELS = {
    "logo": _("logo design"),
    "packaging": _("packaging design (boxes, bags, labels)"),
    "conditioning": _("conditioning (unit, inner pack, carton)"),
    "printing": _("printing (inserts, cards, stickers, tissue)"),
}


#: every stage a request can be in (`BrandingRequest.Status`), for the database's own check
REQUEST_STATUSES = (
    "submitted",
    "quoted",
    "in_design",
    "proof_sent",
    "changes_requested",
    "approved",
    "in_production",
    "delivered",
    "cancelled",
)


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
    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.PROTECT, related_name="branding_requests", verbose_name=_("merchant")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    logo = models.BooleanField(KIND_LABELS["logo"], default=False)
    packaging = models.BooleanField(KIND_LABELS["packaging"], default=False)
    conditioning = models.BooleanField(KIND_LABELS["conditioning"], default=False)
    printing = models.BooleanField(KIND_LABELS["printing"], default=False)
    brief = models.TextField(_("brief"))
    target_market = models.CharField(_("target market"), max_length=200, blank=True)
    languages = models.CharField(_("languages on the designs"), max_length=200, blank=True)
    colours = models.CharField(_("colours"), max_length=200, blank=True)
    quantities = models.CharField(_("quantities"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    quote_price = models.DecimalField(_("quoted price (SAR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    quote_lead_days = models.PositiveSmallIntegerField(_("lead time (days)"), null=True, blank=True)
    quote_note = models.TextField(_("note with the quote"), blank=True)
    revision_rounds_included = models.PositiveSmallIntegerField(_("revision rounds included"), default=2)
    revision_rounds_used = models.PositiveSmallIntegerField(_("revision rounds used"), default=0)
    approved_proof = models.ForeignKey(
        "Proof", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved proof")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("branding request")
        verbose_name_plural = _("branding requests")
        ordering = ("deadline", "-created_at")
        permissions = [("work_on_brandingrequest", "Can quote, send proofs and move branding requests")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(logo=True)
                | models.Q(packaging=True)
                | models.Q(conditioning=True)
                | models.Q(printing=True),
                name="branding_request_has_a_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(quote_price__isnull=True) | models.Q(quote_price__gte=0),
                name="branding_quote_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=REQUEST_STATUSES), name="branding_request_status_known"
            ),
        ]
        indexes = [models.Index(fields=["merchant", "-created_at"]), models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def kinds(self) -> list[str]:
        """The kinds of work asked for, as their translated names."""
        return [str(KIND_LABELS[name]) for name in KIND_FIELDS if getattr(self, name)]

    @property
    def extra_rounds(self) -> int:
        """Revision rounds beyond what the quote included (flagged to staff)."""
        return max(0, self.revision_rounds_used - self.revision_rounds_included)

    @property
    def is_overdue(self) -> bool:
        """The deadline has passed and the work is not delivered or cancelled."""
        open_statuses = {self.Status.DELIVERED, self.Status.CANCELLED}
        return bool(self.deadline and self.deadline < timezone.localdate() and self.status not in open_statuses)


class BrandingFile(models.Model):
    """A file of a request (reference, proof, logo artwork) or of a brand kit: checked by content, stored privately."""

    class Purpose(models.TextChoices):
        REFERENCE = "reference", _("Reference file")
        PROOF = "proof", _("Proof")
        ARTWORK = "artwork", _("Logo artwork for print")
        KIT_LOGO = "kit_logo", _("Brand kit logo")

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(BrandingRequest, on_delete=models.CASCADE, related_name="files", null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.REFERENCE)
    file = models.FileField(upload_to="branding/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("uploaded_at", "pk")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Proof(models.Model):
    """One version of the design sent to the merchant; earlier versions stay visible."""

    request = models.ForeignKey(BrandingRequest, on_delete=models.CASCADE, related_name="proofs")
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.OneToOneField(BrandingFile, on_delete=models.PROTECT, related_name="proof", verbose_name=_("file"))
    artwork = models.OneToOneField(
        BrandingFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="artwork_of",
        verbose_name=_("logo artwork for print"),
    )
    notes = models.TextField(_("notes"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("proof")
        verbose_name_plural = _("proofs")
        ordering = ("version",)
        constraints = [models.UniqueConstraint(fields=["request", "version"], name="one_proof_per_version")]

    def __str__(self) -> str:
        return f"v{self.version}"


class RequestEvent(models.Model):
    """The history of a request: each move, with who, when, from where and why."""

    class Action(models.TextChoices):
        FILED = "filed", _("Request filed")
        QUOTED = "quoted", _("Quote sent")
        QUOTE_ACCEPTED = "quote_accepted", _("Quote accepted")
        QUOTE_DECLINED = "quote_declined", _("Quote declined")
        WITHDRAWN = "withdrawn", _("Request withdrawn")
        PROOF_SENT = "proof_sent", _("Proof sent")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Proof approved")
        IN_PRODUCTION = "in_production", _("In production")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.ForeignKey(BrandingRequest, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=BrandingRequest.Status.choices)
    action = models.CharField(_("what happened"), max_length=20, choices=Action.choices, default=Action.FILED)
    extra_round = models.BooleanField(_("beyond the rounds included"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    note = models.TextField(_("note"), blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    notified_at = models.DateTimeField(_("notice sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ("at", "pk")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=REQUEST_STATUSES), name="branding_event_status_known")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.status}"


class Comment(models.Model):
    """A message in the thread of a request, from a member or from the designers."""

    request = models.ForeignKey(BrandingRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    notified_at = models.DateTimeField(_("notice sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.request_id} {self.at:%Y-%m-%d}"


class BrandKit(models.Model):
    """What white-label shipments wear: versioned, one active version per merchant."""

    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.PROTECT, related_name="brand_kits", verbose_name=_("merchant")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    is_active = models.BooleanField(_("active"), default=True)
    #: a PNG at 300 dpi, at least PRINT_MIN_SIDE pixels on its longer side (see branding.artwork)
    logo = models.ForeignKey(
        BrandingFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("logo")
    )
    sender_name = models.CharField(_("sender name"), max_length=200)
    return_address = EncryptedTextField(_("return address"))
    colours = models.CharField(_("colours"), max_length=200, blank=True)
    slip_message = models.TextField(_("message on the packing slip"), blank=True)
    insert_text = models.TextField(_("optional insert"), blank=True)
    source_proof = models.ForeignKey(
        Proof, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved proof")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

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

    @property
    def colours_list(self) -> list[str]:
        """The kit's colours, one by one."""
        return [part.strip() for part in self.colours.split(",") if part.strip()]

    @property
    def is_complete(self) -> bool:
        """Packing slips need at least a sender name and a return address."""
        return bool(self.sender_name.strip() and self.return_address.strip())
