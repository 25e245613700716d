"""People and companies: the user model (email as login) and, later, merchants and their members."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField


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
    import secrets

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
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ("code",)

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
