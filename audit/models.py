"""Models of the audit trail: the disclosure ledger, the staff access log and security events (with the
addresses and browsers each user signed in from). Every app records here; none of it imports another app of
ours (the merchant and order of a disclosure are named by their labels)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Disclosure(models.Model):
    """Personal data that left for a third party: who received it, which categories, for which order, why, when."""

    class Recipient(models.TextChoices):
        PAYMENT_PROVIDER = "payment_provider", _("Payment provider")
        CARRIER = "carrier", _("Carrier")
        EMAIL_SERVICE = "email_service", _("Email service")

    class Category(models.TextChoices):
        NAME = "name", _("Name")
        EMAIL = "email", _("Email address")
        PHONE = "phone", _("Phone number")
        ADDRESS = "address", _("Postal address")
        COMPANY = "company", _("Company details")
        ORDER = "order", _("Order contents and amount")
        BANK = "bank", _("Bank details")

    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.CASCADE, null=True, blank=True, related_name="disclosures"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="disclosures"
    )
    recipient = models.CharField(_("recipient"), max_length=32, choices=Recipient.choices)
    recipient_name = models.CharField(_("recipient name"), max_length=100)
    categories = models.JSONField(_("categories of data"), default=list)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("order")
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ("-at", "-pk")
        indexes = [models.Index(fields=["merchant", "-at"])]

    def __str__(self) -> str:
        return f"{self.recipient_name} {self.at:%Y-%m-%d}"

    def category_labels(self) -> list[str]:
        labels = dict(self.Category.choices)
        return [str(labels.get(code, code)) for code in self.categories]


class StaffAccess(models.Model):
    """A staff member's look at personal data in the admin: who, which record, when, unmasked or not."""

    class Action(models.TextChoices):
        VIEW = "view", _("Opened a record")
        LIST = "list", _("Listed records")

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    unmasked = models.BooleanField(_("saw unmasked values"), default=False)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("staff access to personal data")
        verbose_name_plural = _("staff access log")
        ordering = ("-at", "-pk")
        permissions = [("view_personal_data", "Can see personal data unmasked in the admin")]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id}"


class SecurityEvent(models.Model):
    """One security-relevant event; written with a structured log line by `audit.security.record_event`."""

    class Kind(models.TextChoices):
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        CODE_FAILED = "code_failed", _("Failed second-factor code")
        LOCKED_OUT = "locked_out", _("Locked out after repeated failures")
        LOGGED_IN = "logged_in", _("Signed in")
        NEW_DEVICE = "new_device", _("Signed in from a new address or device")
        PERMISSION_DENIED = "permission_denied", _("Permission denied")
        WEBHOOK_INVALID = "webhook_invalid", _("Provider event with an invalid signature")
        EXPORT_REQUESTED = "export_requested", _("Data export requested")
        EXPORT_DOWNLOADED = "export_downloaded", _("Data export downloaded")
        ERASURE_REQUESTED = "erasure_requested", _("Erasure requested")
        ERASURE_COMPLETED = "erasure_completed", _("Account erased")
        SENSITIVE_CHANGE = "sensitive_change", _("Sensitive account detail changed")
        RETENTION_PURGE = "retention_purge", _("Retention purge")
        BACKUP = "backup", _("Backup written")
        RESTORE = "restore", _("Backup restored")
        KEY_ROTATION = "key_rotation", _("Encryption key rotated")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="security_events"
    )
    #: keyed hash of the sign-in name that was tried (never the name itself)
    username_hash = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class KnownDevice(models.Model):
    """An address and browser a user has signed in from before (keyed hashes only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices")
    ip_hash = models.CharField(max_length=64)
    agent_hash = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "ip_hash", "agent_hash"], name="audit_one_known_device_per_pair")
        ]

    def __str__(self) -> str:
        return f"device {self.pk}"
