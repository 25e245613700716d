"""Models of the privacy domain: policies and their acceptance, consents, exports and erasure requests,
security alerts, and the incident register (the disclosure ledger, the staff access log and security
events are the audit app's)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField


class PolicyVersion(models.Model):
    """One version of a published policy, in French, Arabic and English, in force from `effective_at`."""

    class Kind(models.TextChoices):
        SECURITY = "security", _("Security policy")
        PRIVACY = "privacy", _("Privacy policy")
        TERMS = "terms", _("Terms of trade")

    kind = models.CharField(_("policy"), max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"), editable=False)
    effective_at = models.DateTimeField(_("in force from"))
    summary_en = models.CharField(_("what changed (English)"), max_length=300, blank=True)
    summary_fr = models.CharField(_("what changed (French)"), max_length=300, blank=True)
    summary_ar = models.CharField(_("what changed (Arabic)"), max_length=300, blank=True)
    body_en = models.TextField(_("text (English)"))
    body_fr = models.TextField(_("text (French)"))
    body_ar = models.TextField(_("text (Arabic)"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ("kind", "-version")
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="one_number_per_policy_version")]
        permissions = [("publish_policyversion", "Can publish a policy version")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def body(self, language: str) -> str:
        return getattr(self, f"body_{language}", "") or self.body_en

    def summary(self, language: str) -> str:
        return getattr(self, f"summary_{language}", "") or self.summary_en


class PolicyAcceptance(models.Model):
    """A member's acceptance of one policy version: explicit, or by continuing to use the portal."""

    class Method(models.TextChoices):
        EXPLICIT = "explicit", _("Accepted explicitly")
        CONTINUED_USE = "continued_use", _("Continued use after the change")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acceptances")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acceptances")
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("policy acceptance")
        verbose_name_plural = _("policy acceptances")
        ordering = ("-at",)
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="one_acceptance_per_version")]

    def __str__(self) -> str:
        return f"{self.version} {self.get_method_display()}"


class ConsentChange(models.Model):
    """A member giving or withdrawing one consent; the latest change per purpose is the current state."""

    class Purpose(models.TextChoices):
        MARKETING_EMAIL = "marketing_email", _("News and offers by email")
        SURVEYS = "surveys", _("Invitations to product surveys")

    class Source(models.TextChoices):
        PRIVACY_CENTRE = "privacy_centre", _("Privacy centre")
        STAFF = "staff", _("Staff, at the member's request")
        ERASURE = "erasure", _("Erasure of the account")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_changes")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("consent change")
        verbose_name_plural = _("consent changes")
        ordering = ("-at", "-pk")
        indexes = [models.Index(fields=["user", "purpose", "-at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {'on' if self.granted else 'off'}"


class DataExport(models.Model):
    """A member's download of their data: built by a job, encrypted at rest, offered for a few days."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    #: path under PRIVATE_MEDIA_ROOT of the Fernet-encrypted ZIP
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    last_downloaded_at = models.DateTimeField(_("last downloaded"), null=True, blank=True)
    #: when the link was emailed (`portal.notices.send_once`); empty until then
    link_sent_at = models.DateTimeField(_("link emailed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ("-requested_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "ready", "failed", "expired"]),
                name="data_export_status_known",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"


class ErasureRequest(models.Model):
    """A member's request to erase their account, decided by the security role."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for review")
        REJECTED = "rejected", _("Refused")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasure_requests", editable=False
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED)
    reason = models.TextField(_("reason given by the member"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    #: counts per model of rows erased, deleted and kept, for the requester's report
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    #: when the decision was emailed to the member (`portal.notices.send_once`); empty until then
    reported_at = models.DateTimeField(_("decision emailed"), null=True, blank=True, editable=False)
    #: the address the decision goes to (the member's, kept past their erasure), blanked once it is sent
    report_to = EncryptedCharField(_("decision sent to"), max_length=254, blank=True, editable=False)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ("-requested_at", "-pk")
        permissions = [("decide_erasurerequest", "Can approve or refuse erasure requests")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="requested"), name="one_open_erasure_request_per_user"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["requested", "rejected", "completed", "cancelled"]),
                name="erasure_request_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"


class SecurityAlert(models.Model):
    """An alert sent to the security role by a monitoring rule."""

    class Rule(models.TextChoices):
        FAILURE_BURST = "failure_burst", _("Burst of failed sign-ins")
        ADMIN_NEW_IP = "admin_new_ip", _("Staff sign-in from a new address")
        JOB_FAILED = "job_failed", _("Scheduled job failed")

    rule = models.CharField(_("rule"), max_length=32, choices=Rule.choices)
    #: what the alert is about (an address hash, a staff id): one alert per subject per window
    subject = models.CharField(max_length=64, blank=True)
    message = models.TextField(_("message"))
    details = models.JSONField(_("details"), default=dict, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("security alert")
        verbose_name_plural = _("security alerts")
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.at:%Y-%m-%d %H:%M}"


#: every stage of an incident (`Incident.Status`), for the database's own check
INCIDENT_STAGES = ("detected", "contained", "notified", "closed")


class Incident(models.Model):
    """A security incident, from detection to closure, with the merchants it affects."""

    class Status(models.TextChoices):
        DETECTED = "detected", _("Detected")
        CONTAINED = "contained", _("Contained")
        NOTIFIED = "notified", _("Affected merchants notified")
        CLOSED = "closed", _("Closed")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    title = models.CharField(_("title"), max_length=200)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DETECTED)
    description = models.TextField(_("what happened (internal)"))
    data_categories = models.CharField(_("data concerned"), max_length=300, blank=True)
    notice = models.TextField(
        _("notice to affected merchants"),
        blank=True,
        help_text=_("What happened, what data it concerns, what we did and what they should do; sent by email."),
    )
    affected_merchants = models.ManyToManyField(
        "merchants.Merchant", blank=True, related_name="incidents", verbose_name=_("affected merchants")
    )
    detected_at = models.DateTimeField(_("detected"), default=timezone.now)
    contained_at = models.DateTimeField(_("contained"), null=True, blank=True, editable=False)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    notices_sent = models.PositiveIntegerField(_("notices sent"), default=0, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ("-detected_at", "-pk")
        permissions = [("manage_incident", "Can move incidents through their stages and notify merchants")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=INCIDENT_STAGES), name="incident_status_known")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class IncidentEvent(models.Model):
    """A step of an incident: who moved it, to which stage, when and why."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("stage"), max_length=16, choices=Incident.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("incident step")
        verbose_name_plural = _("incident steps")
        ordering = ("at", "pk")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=INCIDENT_STAGES), name="incident_event_status_known")
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%Y-%m-%d %H:%M}"


class IncidentNotice(models.Model):
    """The incident's notice to one owner of an affected merchant, sent once (`portal.notices.send_once`)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    membership = models.ForeignKey("merchants.Membership", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident notice")
        verbose_name_plural = _("incident notices")
        ordering = ("pk",)
        constraints = [models.UniqueConstraint(fields=["incident", "membership"], name="one_incident_notice_per_owner")]

    def __str__(self) -> str:
        return f"#{self.incident_id} to {self.membership_id}"
