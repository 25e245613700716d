"""The eligibility registry's starting point and payments' scheduled jobs, frozen here.

Every method of the store's policy, with the rules its provider publishes (as summarised in the payment
methods' reference, each row citing its source), and the bank-transfer and event-sweep jobs. Idempotent: it
creates what is missing and never touches a row finance has edited. The test suite runs `seed` again after
a transactional test flushed the database (tests/reference_data.py).
"""

from decimal import Decimal

from django.db import migrations

STRIPE_CURRENCIES = "https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts"
#: Stripe's minimum charge per currency (its currency table); SAR is not listed there, so its row is the
#: equivalent of USD 0.50 rounded up, to confirm. The maximum is Stripe's eight-digit amount field.
CARD_LIMITS = {
    "USD": ("0.50", "999999.99"),
    "EUR": ("0.50", "999999.99"),
    "GBP": ("0.30", "999999.99"),
    "AED": ("2.00", "999999.99"),
    "SAR": ("2.00", "999999.99"),
    "AUD": ("0.50", "999999.99"),
    "CAD": ("0.50", "999999.99"),
    "CHF": ("0.50", "999999.99"),
    "DKK": ("2.50", "999999.99"),
    "NOK": ("3.00", "999999.99"),
    "SEK": ("3.00", "999999.99"),
    "PLN": ("2.00", "999999.99"),
    "CZK": ("15.00", "999999.99"),
    "HKD": ("4.00", "999999.99"),
    "NZD": ("0.50", "999999.99"),
    "JPY": ("50", "99999999"),
    "KRW": (None, "99999999"),
}
KLARNA_CURRENCIES = "AUD CAD CHF CZK DKK EUR GBP NOK NZD PLN RON SEK USD"
#: PAYMENTS.md gives Klarna's maximum in USD only (about USD 10,000, unverified). The other currencies' maxima are
#: that amount converted at rates below the market's (late 2025, about 10% off) and rounded down, so that no order
#: above Klarna's real cap is offered Klarna; finance replaces them once Klarna confirms its per-currency caps.
KLARNA_LIMITS = {
    "USD": (None, "10000"),
    "AUD": (None, "14000"),
    "CAD": (None, "12500"),
    "CHF": (None, "7000"),
    "CZK": (None, "190000"),
    "DKK": (None, "58000"),
    "EUR": (None, "7800"),
    "GBP": (None, "6800"),
    "NOK": (None, "90000"),
    "NZD": (None, "15500"),
    "PLN": (None, "33000"),
    "RON": (None, "39000"),
    "SEK": (None, "85000"),
}
KLARNA_NOTE = (
    "Klarna's Stripe terms list business (B2B) purchases as prohibited; the currency decides eligibility; about "
    "USD 10,000 at most. PAYMENTS.md gives that maximum in USD only: the other currencies' maxima are USD 10,000 "
    "converted conservatively (at rates about 10% below the market's, rounded down), to confirm with Klarna."
)
KLARNA_COUNTRIES = "AU AT BE CA CZ DK FI FR GR DE IE IT NL NZ NO PL PT RO ES SE CH GB US"
KOREAN = "Korean methods: KRW only, buyers in South Korea, minimum 100 KRW (PAYMENTS.md)."


def _method(code, name, provider, **fields):
    fields.setdefault("provider_type", code)
    return {"code": code, "name": name, "provider": provider, **fields}


#: (method fields, {currency: (minimum, maximum)})
METHODS = [
    (
        _method(
            "card",
            "Cards (Visa, MasterCard, American Express)",
            "stripe",
            source_url=STRIPE_CURRENCIES,
            source_note="135+ currencies including SAR, buyers worldwide, business purchases allowed; a minimum charge "
            "per currency (Stripe's currency table).",
            unverified="SAR minimum (derived from USD 0.50)",
        ),
        CARD_LIMITS,
    ),
    (
        _method(
            "apple_pay",
            "Apple Pay",
            "stripe",
            provider_type="card",
            source_url="https://docs.stripe.com/apple-pay",
            source_note="As cards; the domain must be registered with Stripe.",
            notes="Shown inside the card option of Stripe's Payment Element once the domain is registered.",
        ),
        CARD_LIMITS,
    ),
    (
        _method(
            "google_pay",
            "Google Pay",
            "stripe",
            provider_type="card",
            excluded_countries="IN",
            source_url="https://docs.stripe.com/google-pay",
            source_note="As cards, worldwide except India; the domain must be registered with Stripe.",
            notes="Shown inside the card option of Stripe's Payment Element once the domain is registered.",
        ),
        CARD_LIMITS,
    ),
    (
        _method(
            "link",
            "Link",
            "stripe",
            source_url="https://docs.stripe.com/payments/link",
            source_note="As cards; not for Stripe accounts in Brazil or Thailand.",
        ),
        {},
    ),
    (
        _method(
            "klarna",
            "Klarna",
            "stripe",
            currencies=KLARNA_CURRENCIES,
            buyer_countries=KLARNA_COUNTRIES,
            provider_allows_b2b=False,
            source_url="https://docs.stripe.com/payments/klarna",
            source_note=KLARNA_NOTE,
            unverified="maximum amount (converted from USD for the other currencies)",
        ),
        KLARNA_LIMITS,
    ),
    (
        _method(
            "affirm",
            "Affirm",
            "stripe",
            currencies="USD CAD",
            buyer_countries="US CA",
            domestic_only=True,
            provider_allows_b2b=False,
            source_url="https://docs.stripe.com/payments/affirm",
            source_note="Consumers only; USD or CAD, domestic buyers in the US or Canada; 50 to 30,000.",
        ),
        {"USD": ("50", "30000"), "CAD": ("50", "30000")},
    ),
    (
        _method(
            "afterpay_clearpay",
            "Afterpay / Clearpay",
            "stripe",
            currencies="AUD CAD GBP NZD USD",
            buyer_countries="AU CA GB NZ US",
            domestic_only=True,
            provider_allows_b2b=False,
            source_url="https://docs.stripe.com/payments/afterpay-clearpay",
            source_note="Consumers only; buyers in the same country as the account; AUD/NZD/USD 1 to 4,000, CAD 1 to "
            "2,000, GBP 1 to 1,200.",
        ),
        {
            "AUD": ("1", "4000"),
            "NZD": ("1", "4000"),
            "USD": ("1", "4000"),
            "CAD": ("1", "2000"),
            "GBP": ("1", "1200"),
        },
    ),
    (
        _method(
            "cashapp",
            "Cash App Pay",
            "stripe",
            currencies="USD",
            buyer_countries="US",
            provider_allows_b2b=False,
            source_url="https://docs.stripe.com/payments/cash-app-pay",
            source_note="Consumers only; USD, buyers in the US.",
            unverified="amount limits",
        ),
        {},
    ),
    (
        _method(
            "wechat_pay",
            "WeChat Pay",
            "stripe",
            currencies="CNY",
            source_url="https://docs.stripe.com/payments/wechat-pay",
            source_note="CNY and the Stripe account's local currency; WeChat users; no disputes, refunds within 180 "
            "days.",
            unverified="business purchases, amount limits",
            notes="Add the Stripe account's settlement currency to the currencies once the account's country is set.",
        ),
        {},
    ),
    (
        _method(
            "amazon_pay",
            "Amazon Pay",
            "stripe",
            currencies="USD AUD GBP DKK EUR HKD JPY NZD NOK ZAR SEK CHF",
            source_url="https://docs.stripe.com/payments/amazon-pay",
            source_note="Buyers worldwide in these currencies; accounts in the US charge USD only.",
            unverified="business purchases, amount limits",
        ),
        {},
    ),
    (
        _method(
            "p24",
            "Przelewy24",
            "stripe",
            currencies="EUR PLN",
            buyer_countries="PL",
            source_url="https://docs.stripe.com/payments/p24",
            source_note="EUR or PLN, buyers in Poland.",
            unverified="business purchases, amount limits",
        ),
        {},
    ),
    (
        _method(
            "kr_card",
            "Korean cards",
            "stripe",
            currencies="KRW",
            buyer_countries="KR",
            source_url="https://docs.stripe.com/payments/kr-card",
            source_note=KOREAN,
            unverified="business purchases",
        ),
        {"KRW": ("100", None)},
    ),
    (
        _method(
            "kakao_pay",
            "Kakao Pay",
            "stripe",
            currencies="KRW",
            buyer_countries="KR",
            source_url="https://docs.stripe.com/payments/kakao-pay",
            source_note=KOREAN,
            unverified="business purchases",
        ),
        {"KRW": ("100", None)},
    ),
    (
        _method(
            "naver_pay",
            "Naver Pay",
            "stripe",
            currencies="KRW",
            buyer_countries="KR",
            source_url="https://docs.stripe.com/payments/naver-pay",
            source_note=KOREAN,
            unverified="business purchases",
        ),
        {"KRW": ("100", None)},
    ),
    (
        _method(
            "payco",
            "PAYCO",
            "stripe",
            currencies="KRW",
            buyer_countries="KR",
            source_url="https://docs.stripe.com/payments/payco",
            source_note=KOREAN,
            unverified="business purchases",
        ),
        {"KRW": ("100", None)},
    ),
    (
        _method(
            "samsung_pay",
            "Samsung Pay",
            "stripe",
            currencies="KRW",
            buyer_countries="KR",
            source_url="https://docs.stripe.com/payments/samsung-pay",
            source_note=KOREAN + " Samsung Pay: at most 2,000,000 KRW.",
            unverified="business purchases",
        ),
        {"KRW": ("100", "2000000")},
    ),
    (
        _method(
            "mada",
            "Mada",
            "moyasar",
            currencies="SAR",
            buyer_countries="SA",
            source_url="https://docs.moyasar.com/",
            source_note="Saudi debit cards through a Saudi card gateway (Stripe does not process mada); amounts in "
            "halalas; 3-D Secure; verify with the gateway's API; minimum 1 SAR.",
        ),
        {"SAR": ("1", None)},
    ),
    (
        _method(
            "tabby",
            "Tabby",
            "tabby",
            currencies="SAR",
            buyer_countries="SA",
            source_url="https://docs.tabby.ai/",
            source_note="SAR (AED in the UAE); checkout session, redirect, authorise, capture, webhook; about 10 to "
            "10,000 SAR.",
            unverified="amount limits, business purchases",
        ),
        {"SAR": ("10", "10000")},
    ),
    (
        _method(
            "tamara",
            "Tamara",
            "tamara",
            currencies="SAR",
            buyer_countries="SA",
            source_url="https://docs.tamara.co/",
            source_note="SAR (AED in the UAE); checkout session, redirect, authorise, capture, notification with its "
            "token; minimum about 1 SAR.",
            unverified="amount limits, business purchases",
        ),
        {"SAR": ("1", None)},
    ),
    (
        _method(
            "bank_transfer",
            "Bank transfer",
            "bank_transfer",
            currencies="SAR",
            buyer_countries="SA",
            source_url="https://docs.stripe.com/payments/bank-transfers",
            source_note="Stripe's bank transfers work only for EU, GB, JP, MX and US accounts, so a SAR transfer is "
            "the store's own flow: its IBAN, a unique reference per order, a proof, reconciliation by finance.",
        ),
        {},
    ),
]

#: name -> (task, every N, period)
JOBS = {
    "Remind unpaid bank transfers": ("payments.tasks.remind_bank_transfers", 1, "hours"),
    "Expire unpaid bank transfers": ("payments.tasks.expire_bank_transfers", 1, "hours"),
    "Sweep unprocessed provider events": ("payments.tasks.sweep_provider_events", 5, "minutes"),
}


def seed(apps, schema_editor):
    """Create the methods, their limits and the jobs that are missing; leave rows as finance left them."""
    PaymentMethod = apps.get_model("payments", "PaymentMethod")
    PaymentMethodLimit = apps.get_model("payments", "PaymentMethodLimit")
    existing = set(PaymentMethod.objects.values_list("code", flat=True))
    for position, (fields, limits) in enumerate(METHODS):
        if fields["code"] in existing:
            continue
        method = PaymentMethod.objects.create(position=position * 10, **fields)
        PaymentMethodLimit.objects.bulk_create(
            PaymentMethodLimit(
                method=method,
                currency=currency,
                minimum=Decimal(low) if low is not None else None,
                maximum=Decimal(high) if high is not None else None,
            )
            for currency, (low, high) in limits.items()
        )
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, every, period) in JOBS.items():
        interval, _created = Interval.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
