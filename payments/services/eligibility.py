"""Which methods an order may be offered, and why each other one is not.

The rules are data (`PaymentMethod`, `PaymentMethodLimit`): the merchant's country (buyer countries, excluded
countries, domestic-only methods), the order's currency, its amount against the method's limits in that
currency, whether the provider allows business purchases (or the store's contract does), whether finance
enabled it, and whether the provider's integration is configured. The portal offers exactly the methods
with no reason against them; the admin shows the reasons for the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from payments.models import PaymentMethod, Provider
from payments.providers import ADAPTERS, is_configured


@dataclass(frozen=True)
class Reason:
    code: str
    message: Any  # a lazy translation, rendered in the reader's language


@dataclass(frozen=True)
class Decision:
    method: PaymentMethod
    reasons: tuple[Reason, ...]

    @property
    def offered(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class Eligibility:
    decisions: tuple[Decision, ...]

    @property
    def offered(self) -> list[PaymentMethod]:
        return [d.method for d in self.decisions if d.offered]

    @property
    def refused(self) -> list[Decision]:
        return [d for d in self.decisions if not d.offered]

    @property
    def codes(self) -> list[str]:
        return [m.code for m in self.offered]

    def offers(self, code: str) -> bool:
        return code in self.codes

    def for_provider(self, provider: str) -> list[PaymentMethod]:
        return [m for m in self.offered if m.provider == provider]


def _amount(value: Decimal, currency: str) -> str:
    return f"{value:,} {currency}"


def reasons_against(
    method: PaymentMethod, *, merchant_country: str, currency: str, amount: Decimal
) -> tuple[Reason, ...]:
    """Every rule of the method that an order from `merchant_country` in `currency` for `amount` breaks."""
    reasons: list[Reason] = []
    if not method.enabled:
        reasons.append(Reason("disabled", _("Switched off by finance.")))
    if not is_configured(method.provider):
        reasons.append(Reason("not_configured", _("The provider's integration is not configured (keys not set).")))
    countries = method.country_list
    if countries and merchant_country not in countries:
        reasons.append(
            Reason(
                "country",
                format_lazy(
                    _("Only for buyers in {countries}; this merchant is in {country}."),
                    countries=", ".join(countries),
                    country=merchant_country,
                ),
            )
        )
    if merchant_country in method.excluded_list:
        reasons.append(
            Reason("excluded_country", format_lazy(_("Not offered in {country}."), country=merchant_country))
        )
    if method.domestic_only and merchant_country != settings.STRIPE_ACCOUNT_COUNTRY:
        reasons.append(
            Reason(
                "domestic",
                format_lazy(
                    _("Domestic only: the buyer must be in the store's Stripe account country ({account})."),
                    account=settings.STRIPE_ACCOUNT_COUNTRY or _("not set"),
                ),
            )
        )
    currencies = method.currency_list
    if currencies and currency not in currencies:
        reasons.append(
            Reason(
                "currency",
                format_lazy(
                    _("Accepts {currencies}, not {currency}."), currencies=", ".join(currencies), currency=currency
                ),
            )
        )
    limit = next((row for row in method.limits.all() if row.currency == currency), None)
    if limit is not None and limit.minimum is not None and amount < limit.minimum:
        reasons.append(
            Reason(
                "below_minimum",
                format_lazy(
                    _("The order ({amount}) is below the method's minimum ({minimum})."),
                    amount=_amount(amount, currency),
                    minimum=_amount(limit.minimum, currency),
                ),
            )
        )
    if limit is not None and limit.maximum is not None and amount > limit.maximum:
        reasons.append(
            Reason(
                "above_maximum",
                format_lazy(
                    _("The order ({amount}) is above the method's maximum ({maximum})."),
                    amount=_amount(amount, currency),
                    maximum=_amount(limit.maximum, currency),
                ),
            )
        )
    if not method.provider_allows_b2b and not method.contract_allows_b2b:
        reasons.append(
            Reason(
                "b2b",
                _("The provider's terms forbid business purchases, and the store's contract does not allow them."),
            )
        )
    return tuple(reasons)


def eligible_methods(
    *, merchant_country: str, currency: str, amount: Decimal, methods: Iterable[PaymentMethod] | None = None
) -> Eligibility:
    """The decision for every method in the registry: offered, or not with the reasons."""
    if methods is None:
        methods = PaymentMethod.objects.prefetch_related("limits").order_by("position", "code")
    return Eligibility(
        tuple(
            Decision(
                method,
                reasons_against(method, merchant_country=merchant_country, currency=currency, amount=amount),
            )
            for method in methods
        )
    )


def eligibility_for(*, order: Any, amount: Decimal | None = None) -> Eligibility:
    """The decision for an order (its merchant's country, its currency, its total or what remains due)."""
    return eligible_methods(
        merchant_country=order.merchant.country,
        currency=order.currency,
        amount=order.total if amount is None else amount,
    )


@dataclass(frozen=True)
class PaymentOptions:
    """What an order's payment page offers: Stripe's methods, the Saudi providers' methods, bank transfer."""

    stripe: list[PaymentMethod]
    saudi: list[PaymentMethod]
    transfer: bool


def payment_options(*, order: Any) -> PaymentOptions:
    """The methods the order's payment page offers, grouped by how they are paid (only the eligible ones)."""
    eligibility = eligibility_for(order=order)
    return PaymentOptions(
        stripe=eligibility.for_provider(Provider.STRIPE),
        saudi=[m for m in eligibility.offered if m.provider in ADAPTERS and m.provider != Provider.STRIPE],
        transfer=eligibility.offers("bank_transfer"),
    )
