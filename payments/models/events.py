"""Incoming provider events, stored once and processed once."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from payments.models.attempts import PaymentAttempt
from payments.models.methods import Provider


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
