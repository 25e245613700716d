"""People and companies: the user model (email as login) and, later, merchants and their members."""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a merchant member or a staff member. The email is the login."""

    email = models.EmailField(_("email address"), unique=True)
    # Personal data is stored encrypted (FIELD_ENCRYPTION_KEY); the email stays clear as the login.
    full_name = EncryptedCharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("Emails and documents are sent in this language."),
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Staff sign in to the admin with a second factor.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.get_full_name()


def new_merchant_code() -> str:
    """A short opaque code such as M-7F3KQ: refers to a merchant without naming it."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I
    return "M-" + "".join(secrets.choice(alphabet) for _ in range(5))


class Merchant(models.Model):
    """An approved wholesale company. Members act for it; every portal read starts from it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    code = models.CharField(_("code"), max_length=12, unique=True, default=new_merchant_code, editable=False)
    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. SA, FR."))
    currency = models.CharField(_("currency"), max_length=3, default="SAR", help_text=_("ISO 4217 code."))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    registration_number = models.CharField(_("commercial registration number"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    may_name_as_partner = models.BooleanField(
        _("the store may name us as a partner"),
        default=False,
        help_text=_("Off unless an owner of the merchant turns it on."),
    )
    require_two_factor = models.BooleanField(_("two-factor authentication required for all members"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ("code",)
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["active", "suspended"]), name="merchant_status_known")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.trade_name or self.legal_name}"

    @property
    def is_saudi(self) -> bool:
        return self.country == "SA"


class Membership(models.Model):
    """A user's place in a merchant company, with a role."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        BUYER = "buyer", _("Buyer")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.BUYER)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "merchant"], name="one_membership_per_user_and_merchant")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.merchant.code} ({self.role})"


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    # The name is chosen by portal.uploads.private_name before saving; never the uploader's.
    return filename


class Application(models.Model):
    """A company's request for a wholesale account, reviewed by staff."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        NEEDS_INFO = "needs_info", _("More information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Volume(models.TextChoices):
        UNDER_10K = "under_10k", _("Under 10,000 SAR a month")
        FROM_10K = "10k_50k", _("10,000 to 50,000 SAR a month")
        FROM_50K = "50k_200k", _("50,000 to 200,000 SAR a month")
        OVER_200K = "over_200k", _("Over 200,000 SAR a month")

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2)
    registration_number = models.CharField(_("commercial registration number"), max_length=64)
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    # Personal data: encrypted at rest.
    address = EncryptedTextField(_("address"))
    contact_name = EncryptedCharField(_("contact name"), max_length=200)
    contact_phone = EncryptedCharField(_("contact phone"), max_length=32)
    website = models.URLField(_("website or shop link"), blank=True)
    product_interests = models.TextField(_("product interests"), blank=True)
    expected_monthly_volume = models.CharField(
        _("expected monthly volume"), max_length=16, choices=Volume.choices, blank=True
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    question = models.TextField(_("question from our team"), blank=True)
    answer = models.TextField(_("your answer"), blank=True)
    rejection_reason = models.TextField(_("reason for the decision"), blank=True)
    merchant = models.OneToOneField(
        Merchant, on_delete=models.SET_NULL, null=True, blank=True, related_name="application"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ("submitted_at", "pk")
        permissions = [("decide_application", "Can approve, reject or question applications")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "submitted", "needs_info", "approved", "rejected"]),
                name="application_status_known",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.trade_name or self.legal_name}"

    #: What the applicant fills in (the form shows them, the admin shows them read-only).
    APPLICANT_FIELDS = (
        "legal_name",
        "trade_name",
        "country",
        "registration_number",
        "vat_number",
        "address",
        "contact_name",
        "contact_phone",
        "website",
        "product_interests",
        "expected_monthly_volume",
    )

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class ApplicationDocument(models.Model):
    """A supporting document (PDF, JPEG or PNG), stored privately under an unguessable name."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("supporting document")
        verbose_name_plural = _("supporting documents")
        ordering = ("uploaded_at", "pk")

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """Who did what to an application, when, from where and why."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ASKED = "asked", _("Asked for more information")
        ANSWERED = "answered", _("Answered")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    #: when the applicant was emailed about this step (`portal.notices.send_once`); empty if not (yet)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """An owner's invitation to join the merchant with a role, accepted with the invited email."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    #: when the invitation email went out (`portal.notices.send_once`); empty until then
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.merchant.code} {self.role}"


class MerchantSettingChange(models.Model):
    """A change to a merchant's settings (partner naming, two-factor), with who and when."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="setting_changes")
    setting = models.CharField(max_length=64)
    old_value = models.CharField(max_length=64)
    new_value = models.CharField(max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-at",)

    def __str__(self) -> str:
        return f"{self.setting}: {self.old_value} -> {self.new_value}"

    #: how members see each setting's name in the history
    LABELS: ClassVar[dict[str, Any]] = {
        "may_name_as_partner": _("The store may name our company as a partner"),
        "require_two_factor": _("Two-factor authentication required for every member"),
    }

    @property
    def setting_label(self) -> Any:
        return self.LABELS.get(self.setting, self.setting)

    @property
    def new_value_label(self) -> Any:
        return _("On") if self.new_value == "True" else _("Off")
