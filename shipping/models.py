"""White-label shipping: consignees of an order, one shipment each, and every move of a shipment."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField, EncryptedEmailField


def new_shipment_reference() -> str:
    """An opaque reference such as SH-7F3KQ2WA: printed on slips, names neither store nor order."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "SH-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _private_path(instance: models.Model, filename: str) -> str:
    # Names are chosen by portal.uploads.private_name before saving; never anything guessable.
    return filename


class ShippingPlan(models.Model):
    """The merchant's white-label choices for one order, and the order's notices."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="shipping_plan")
    notify_consignees = models.BooleanField(
        _("email each consignee when their parcel is booked"),
        default=False,
        help_text=_("Sent in your company's name, never ours; only to consignees with an email address."),
    )
    started_at = models.DateTimeField(_("shipping started"), null=True, blank=True)
    merchant_notified_at = models.DateTimeField(_("merchant notified"), null=True, blank=True)
    tracking_notified_at = models.DateTimeField(_("merchant sent the tracking numbers"), null=True, blank=True)
    staff_alerted_at = models.DateTimeField(_("fulfilment staff last alerted"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipping plan")
        verbose_name_plural = _("shipping plans")

    def __str__(self) -> str:
        return f"{self.order_id}"


class Consignee(models.Model):
    """One of the merchant's customers an order ships to. Personal data is encrypted at rest."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="consignees")
    number = models.PositiveIntegerField(_("number"), help_text=_("Position within the order, from 1."))
    name = EncryptedCharField(_("name"), max_length=200)
    phone = EncryptedCharField(_("phone"), max_length=32)
    email = EncryptedEmailField(_("email"), blank=True)
    address_line1 = EncryptedCharField(_("address"), max_length=200)
    address_line2 = EncryptedCharField(_("address (continued)"), max_length=200, blank=True)
    city = EncryptedCharField(_("city"), max_length=100)
    postal_code = EncryptedCharField(_("postal code"), max_length=16, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. SA, FR."))
    # Keyed hash of the normalised phone number: finds a consignee again without decrypting every row.
    phone_hmac = models.CharField(max_length=64, db_index=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("consignee")
        verbose_name_plural = _("consignees")
        ordering = ("order", "number")
        constraints = [models.UniqueConstraint(fields=["order", "number"], name="one_consignee_per_number")]
        permissions = [("view_consignee_details", "Can see consignees' names, phones and addresses in full")]

    def __str__(self) -> str:
        return f"#{self.number}"


class ConsigneeItem(models.Model):
    """How many of one order line go to one consignee."""

    consignee = models.ForeignKey(Consignee, on_delete=models.CASCADE, related_name="items")
    line = models.ForeignKey("orders.OrderLine", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(fields=["consignee", "line"], name="one_item_per_consignee_and_line"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="consignee_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.line_id}"


#: every status of a shipment (`Shipment.Status`), for the database's own check
SHIPMENT_STATUSES = (
    "pending",
    "preparing",
    "label_created",
    "handed_over",
    "in_transit",
    "delivered",
    "failed",
    "returned",
    "cancelled",
)


class Shipment(models.Model):
    """One parcel to one consignee, moved only by `shipping.services.moves.SHIPMENT` (portal.state)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PREPARING = "preparing", _("Preparing")
        LABEL_CREATED = "label_created", _("Label created")
        HANDED_OVER = "handed_over", _("Handed over")
        IN_TRANSIT = "in_transit", _("In transit")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_shipment_reference)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="shipments")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="shipments")
    consignee = models.OneToOneField(Consignee, on_delete=models.PROTECT, related_name="shipment")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    carrier = models.CharField(_("carrier"), max_length=32)
    # Sent with every booking request: the carrier answers a repeat with the first booking, never a second.
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    carrier_reference = models.CharField(_("carrier reference"), max_length=64, blank=True)
    # Set when a booking we abandoned could not be cancelled: no retry until staff confirm it is cancelled.
    booking_live_at_carrier = models.BooleanField(_("booking still live at the carrier"), default=False)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    slip = models.FileField(_("packing slip"), upload_to=_private_path, max_length=200, blank=True)
    label = models.FileField(_("label"), upload_to=_private_path, max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("booking attempts"), default=0)
    error_code = models.CharField(_("error code"), max_length=32, blank=True)
    error = models.TextField(_("error"), blank=True)
    retry_at = models.DateTimeField(_("next carrier attempt"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notices sent"), null=True, blank=True)
    booked_at = models.DateTimeField(_("booked"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    tracked_at = models.DateTimeField(_("tracking last pulled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["order", "status"], name="shipment_order_status")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=SHIPMENT_STATUSES), name="shipment_status_known")
        ]
        permissions = [
            ("move_shipment", "Can hand over, track, retry and cancel shipments"),
            ("print_shipment", "Can print packing slips and labels"),
        ]

    def __str__(self) -> str:
        return self.reference


class ShipmentEvent(models.Model):
    """One move of a shipment: from, to, who or which job, when and why."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(_("from"), max_length=16, choices=Shipment.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Shipment.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.CharField(_("source"), max_length=32, help_text=_("worker, admin, portal, carrier..."))
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")
        ordering = ("at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_status__in=("", *SHIPMENT_STATUSES)), name="shipment_event_from_known"
            ),
            models.CheckConstraint(condition=models.Q(to_status__in=SHIPMENT_STATUSES), name="shipment_event_to_known"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.from_status or '-'} -> {self.to_status}"
