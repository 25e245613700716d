"""Exchange rates, the minimum-order policy and VAT rates: data with history, not constants."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CURRENCY_CODE = RegexValidator(r"^[A-Z]{3}\Z", _("Use the three capital letters of ISO 4217, e.g. EUR."))
COUNTRY_CODE = RegexValidator(r"^[A-Z]{2}\Z", _("Use the two capital letters of ISO 3166-1, e.g. SA."))
#: Rates that are fixed (the base, and the dollar the riyal is pegged to): created by a migration, never
#: entered by finance, never stale.
FIXED_RATES = {"SAR", "USD"}


class ExchangeRate(models.Model):
    """How many SAR one unit of a currency is worth, from a moment on. Rows are never changed: history."""

    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_CODE])
    rate_to_sar = models.DecimalField(
        _("rate to SAR"), max_digits=18, decimal_places=8, validators=[MinValueValidator(Decimal("0.00000001"))]
    )
    source = models.CharField(
        _("source"), max_length=64, help_text=_("Where the rate comes from, e.g. peg, ECB, finance.")
    )
    effective_at = models.DateTimeField(_("in force from"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ("currency", "-effective_at")
        indexes = [models.Index(fields=["currency", "-effective_at"])]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate_to_sar} SAR ({self.source})"

    def clean(self) -> None:
        if self.currency in FIXED_RATES:
            raise ValidationError(
                {"currency": _("SAR is the base currency and USD is pegged at 3.75: their rates cannot be changed.")}
            )


class MinimumOrderPolicy(models.Model):
    """The first-order and repeat-order minimums, in the base currency, from a date on."""

    first_order_minimum = models.DecimalField(_("first order minimum"), max_digits=12, decimal_places=2)
    repeat_order_minimum = models.DecimalField(_("repeat order minimum"), max_digits=12, decimal_places=2)
    base_currency = models.CharField(
        _("base currency"),
        max_length=3,
        default="SAR",
        validators=[CURRENCY_CODE],
        help_text=_(
            "The currency of the two amounts; converted to SAR with its rate in force when an order is placed."
        ),
    )
    effective_from = models.DateTimeField(_("in force from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("minimum order policy")
        verbose_name_plural = _("minimum order policies")
        ordering = ("-effective_from",)

    def __str__(self) -> str:
        return f"{self.first_order_minimum} / {self.repeat_order_minimum} {self.base_currency}"

    def clean(self) -> None:
        first, repeat = self.first_order_minimum, self.repeat_order_minimum
        if first is not None and repeat is not None and not 0 <= repeat <= first:
            raise ValidationError(
                {"repeat_order_minimum": _("The repeat-order minimum is between zero and the first-order minimum.")}
            )


class VatRate(models.Model):
    """VAT charged to merchants of a country, from a date on."""

    country = models.CharField(_("country"), max_length=2, validators=[COUNTRY_CODE])
    rate = models.DecimalField(
        _("rate"),
        max_digits=5,
        decimal_places=4,
        help_text=_("0.15 for 15%."),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("0.5"))],
    )
    effective_from = models.DateTimeField(_("in force from"))

    class Meta:
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        ordering = ("country", "-effective_from")

    def __str__(self) -> str:
        return f"{self.country} {self.rate:%}"
