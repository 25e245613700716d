"""The eligibility registry: payment methods, their limits and their recorded changes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
