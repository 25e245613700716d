"""The eligibility registry: for merchants in Saudi Arabia, France, the United States, Poland and South Korea
and orders of 2,000, 5,000 and 200,000 SAR (in their currency), the offered methods are exactly those the
seeded rules allow; every other method comes with its reasons."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from orders.money import minor_units
from payments.models import PaymentMethod
from payments.services import eligibility_for, eligible_methods
from tests.payments.conftest import RATES, place

pytestmark = pytest.mark.django_db

MERCHANTS = {"SA": "SAR", "FR": "EUR", "US": "USD", "PL": "PLN", "KR": "KRW"}
SAR_AMOUNTS = (Decimal(2000), Decimal(5000), Decimal(200000))
TO_SAR = {**RATES, "USD": Decimal("3.75"), "SAR": Decimal(1)}
EVERYWHERE = {"card", "apple_pay", "google_pay", "link"}
KOREAN = {"kr_card", "kakao_pay", "naver_pay", "payco"}
EXPECTED = {
    ("SA", 2000): EVERYWHERE | {"mada", "tabby", "tamara", "bank_transfer"},
    ("SA", 5000): EVERYWHERE | {"mada", "tabby", "tamara", "bank_transfer"},
    ("SA", 200000): EVERYWHERE | {"mada", "tamara", "bank_transfer"},  # Tabby: at most 10,000 SAR
    ("FR", 2000): EVERYWHERE | {"amazon_pay"},
    ("FR", 5000): EVERYWHERE | {"amazon_pay"},
    ("FR", 200000): EVERYWHERE | {"amazon_pay"},
    ("US", 2000): EVERYWHERE | {"amazon_pay"},
    ("US", 5000): EVERYWHERE | {"amazon_pay"},
    ("US", 200000): EVERYWHERE | {"amazon_pay"},
    ("PL", 2000): EVERYWHERE | {"p24"},
    ("PL", 5000): EVERYWHERE | {"p24"},
    ("PL", 200000): EVERYWHERE | {"p24"},
    ("KR", 2000): EVERYWHERE | KOREAN | {"samsung_pay"},
    ("KR", 5000): EVERYWHERE | KOREAN | {"samsung_pay"},
    ("KR", 200000): EVERYWHERE | KOREAN,  # Samsung Pay: at most 2,000,000 KRW
}


@pytest.fixture
def all_providers_on(settings):
    """Every integration configured, so that only the published rules decide (no live calls are made here)."""
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk", "pk", "wh"
    settings.MOYASAR_SECRET_KEY = "sk"
    settings.TABBY_SECRET_KEY, settings.TABBY_MERCHANT_CODE = "sk", "STORE"
    settings.TAMARA_API_TOKEN, settings.TAMARA_NOTIFICATION_TOKEN = "token", "notify"
    settings.BANK_TRANSFER_IBAN = "SA0380000000608010167519"


def in_currency(sar: Decimal, currency: str) -> Decimal:
    return (sar / TO_SAR[currency]).quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def offered(country: str, sar: Decimal) -> set[str]:
    currency = MERCHANTS[country]
    return set(eligible_methods(merchant_country=country, currency=currency, amount=in_currency(sar, currency)).codes)


@pytest.mark.parametrize(("country", "sar"), list(EXPECTED))
def test_offered_methods_are_exactly_those_the_registry_allows(all_providers_on, country, sar):
    assert offered(country, Decimal(sar)) == EXPECTED[(country, sar)]


def test_matrix_table_for_the_closing_note(all_providers_on, capsys):
    """Prints the offered methods per merchant country and order size (run with -s to see it)."""
    codes = [m.code for m in PaymentMethod.objects.order_by("position")]
    lines = ["| merchant | order | " + " | ".join(codes) + " |", "|---|---|" + "---|" * len(codes)]
    for country, currency in MERCHANTS.items():
        for sar in SAR_AMOUNTS:
            got = offered(country, sar)
            assert got == EXPECTED[(country, int(sar))]
            amount = in_currency(sar, currency)
            cells = ["✓" if code in got else "·" for code in codes]
            lines.append(f"| {country} | {sar:,} SAR = {amount:,} {currency} | " + " | ".join(cells) + " |")
    with capsys.disabled():
        print("\n" + "\n".join(lines))


def test_each_method_not_offered_says_why(all_providers_on):
    decisions = {
        d.method.code: {r.code for r in d.reasons}
        for d in eligible_methods(merchant_country="FR", currency="EUR", amount=Decimal("1234.57")).refused
    }
    assert decisions["klarna"] == {"b2b"}
    assert decisions["mada"] == {"country", "currency"}
    assert decisions["p24"] == {"country"}
    assert decisions["affirm"] == {"country", "domestic", "currency", "b2b"}
    assert "above_maximum" in {
        r.code
        for d in eligible_methods(merchant_country="SA", currency="SAR", amount=Decimal(200000)).refused
        if d.method.code == "tabby"
        for r in d.reasons
    }


def test_seeded_consumer_methods_forbid_business_purchases_and_cite_their_rule():
    for code in ("klarna", "affirm", "afterpay_clearpay", "cashapp"):
        method = PaymentMethod.objects.get(code=code)
        assert method.provider_allows_b2b is False
        assert method.source_url.startswith("https://docs.stripe.com/")
        assert method.source_note


def test_the_stores_contract_can_allow_a_consumer_method_for_businesses(all_providers_on):
    PaymentMethod.objects.filter(code="klarna").update(contract_allows_b2b=True, notes="Contract KL-2026-04")
    assert "klarna" in offered("FR", Decimal(2000))


def test_a_disabled_method_or_a_provider_without_keys_is_not_offered(all_providers_on, settings):
    PaymentMethod.objects.filter(code="tamara").update(enabled=False)
    settings.MOYASAR_SECRET_KEY = ""
    refused = {
        d.method.code: {r.code for r in d.reasons}
        for d in eligible_methods(merchant_country="SA", currency="SAR", amount=Decimal(5000)).refused
    }
    assert refused["tamara"] == {"disabled"}
    assert refused["mada"] == {"not_configured"}


def test_domestic_methods_follow_the_stripe_account_country(all_providers_on, settings):
    PaymentMethod.objects.filter(code="affirm").update(contract_allows_b2b=True, notes="Contract AF-1")
    assert "affirm" not in offered("US", Decimal(2000))
    settings.STRIPE_ACCOUNT_COUNTRY = "US"
    assert "affirm" in offered("US", Decimal(2000))


def test_an_orders_eligibility_uses_its_merchant_country_currency_and_total(all_providers_on, rates):
    order = place(country="FR", currency="EUR", subtotal_sar=Decimal(6000))
    assert set(eligibility_for(order=order).codes) == EVERYWHERE | {"amazon_pay"}
    saudi = place(country="SA", currency="SAR", subtotal_sar=Decimal(6000))
    assert set(eligibility_for(order=saudi).codes) == EVERYWHERE | {"mada", "tabby", "tamara", "bank_transfer"}


def test_klarna_has_a_maximum_in_every_currency_it_accepts_and_cites_the_conversion():
    klarna = PaymentMethod.objects.get(code="klarna")
    maxima = {limit.currency: limit.maximum for limit in klarna.limits.all()}
    assert set(maxima) == set(klarna.currency_list)
    assert all(maximum is not None and maximum > 0 for maximum in maxima.values())
    assert maxima["USD"] == Decimal(10000)
    assert "converted" in klarna.source_note and "USD 10,000" in klarna.source_note
    assert "converted" in klarna.unverified


def test_klarna_allowed_by_contract_is_still_refused_above_its_maximum_in_the_orders_currency(all_providers_on):
    PaymentMethod.objects.filter(code="klarna").update(contract_allows_b2b=True, notes="Contract KL-2026-04")
    assert "klarna" in offered("FR", Decimal(2000))
    for country in ("FR", "PL"):  # 200,000 SAR: far above USD 10,000 in EUR or PLN
        currency = MERCHANTS[country]
        decision = next(
            d
            for d in eligible_methods(
                merchant_country=country, currency=currency, amount=in_currency(Decimal(200000), currency)
            ).refused
            if d.method.code == "klarna"
        )
        assert {r.code for r in decision.reasons} == {"above_maximum"}
