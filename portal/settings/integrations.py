"""Settings of what the portal talks to outside itself: storage, email, exchange rates, carriers, payment providers.

Each integration is off (or local) until its variables are set. The Content Security Policy lives here too:
Stripe's origins are the only outside ones it allows.
"""

from __future__ import annotations

from pathlib import Path

from portal.settings.base import BASE_DIR, PRODUCTION, STORE_NAME, VAR_DIR, env

# Static files and private files. STATIC_ROOT is where collectstatic writes (whitenoise serves it in production,
# see production.py).
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    # Private files encrypted at rest (audit/storage.py); served only by access-checked views.
    "default": {"BACKEND": "audit.storage.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Uploaded files are private: kept outside any public URL and served by access-checked views.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
# No URL pattern serves this prefix: files go out only through access-checked views.
MEDIA_URL = "/_private/"

# Email: console in development, SMTP in production (EMAIL_URL, e.g. smtp://user:pass@host:587).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The real backend from EMAIL_URL sits behind the ledger backend (disclosures to the email service).
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "portal.mail.LedgerEmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Wholesale portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outside email service behind EMAIL_URL (e.g. "Amazon SES"): each email through it is in the disclosure ledger.
EMAIL_SERVICE_NAME = env.str("EMAIL_SERVICE_NAME", default="")

# Exchange rates (the maximum age of a rate is in base.py).
# Where a scheduled job refreshes rates from (ECB eurofxref XML, or JSON {"base", "rates"}); empty: finance
# enters them by hand. Only the listed currencies are taken from it.
EXCHANGE_RATE_SOURCE_URL = env.str("EXCHANGE_RATE_SOURCE_URL", default="")
EXCHANGE_RATE_CURRENCIES = env.list(
    "EXCHANGE_RATE_CURRENCIES", default=["EUR", "GBP", "AED", "MAD", "KWD", "QAR", "CHF", "CAD"]
)

# Carriers (the retries and the leak guard's list are in base.py). The carrier booked for new shipments:
# "in_house" (staff type the tracking number) or "http" (a courier API, off until its URL is set).
SHIPPING_CARRIER = env.str("SHIPPING_CARRIER", default="in_house")
SHIPPING_HTTP_CARRIER_URL = env.str("SHIPPING_HTTP_CARRIER_URL", default="")
SHIPPING_HTTP_CARRIER_API_KEY = env.str("SHIPPING_HTTP_CARRIER_API_KEY", default="")
SHIPPING_HTTP_CARRIER_TIMEOUT = env.float("SHIPPING_HTTP_CARRIER_TIMEOUT", default=15.0)

# Payments. Each provider is off until its keys are set. Stripe: PaymentIntents and Stripe.js (its URL and API base
# are settings, so tests can point them at a local stand-in); the account country decides "domestic only" methods.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)  # seconds a signed event stays valid
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_ACCOUNT_COUNTRY = env.str("STRIPE_ACCOUNT_COUNTRY", default="")
# Saudi methods: Mada through a Saudi card gateway (Moyasar's API), Tabby and Tamara through their checkout APIs.
MOYASAR_API_BASE = env.str("MOYASAR_API_BASE", default="https://api.moyasar.com")
MOYASAR_SECRET_KEY = env.str("MOYASAR_SECRET_KEY", default="")
MOYASAR_WEBHOOK_SECRET = env.str("MOYASAR_WEBHOOK_SECRET", default="")
TABBY_API_BASE = env.str("TABBY_API_BASE", default="https://api.tabby.sa")
TABBY_SECRET_KEY = env.str("TABBY_SECRET_KEY", default="")
TABBY_MERCHANT_CODE = env.str("TABBY_MERCHANT_CODE", default="")
TABBY_WEBHOOK_HEADER = env.str("TABBY_WEBHOOK_HEADER", default="X-Tabby-Signature")
TABBY_WEBHOOK_SECRET = env.str("TABBY_WEBHOOK_SECRET", default="")
TAMARA_API_BASE = env.str("TAMARA_API_BASE", default="https://api.tamara.co")
TAMARA_API_TOKEN = env.str("TAMARA_API_TOKEN", default="")
TAMARA_NOTIFICATION_TOKEN = env.str("TAMARA_NOTIFICATION_TOKEN", default="")
PAYMENT_PROVIDER_TIMEOUT = env.float("PAYMENT_PROVIDER_TIMEOUT", default=15.0)
# Bank transfer (Saudi merchants): off until the store's IBAN is set (in development, a demo IBAN so that the
# demo order can be paid); a reminder after N days, expiry after M.
BANK_TRANSFER_IBAN = env.str("BANK_TRANSFER_IBAN", default="" if PRODUCTION else "SA0380000000608010167519")
BANK_TRANSFER_BENEFICIARY = env.str("BANK_TRANSFER_BENEFICIARY", default=STORE_NAME)
BANK_TRANSFER_BANK_NAME = env.str("BANK_TRANSFER_BANK_NAME", default="")
BANK_TRANSFER_REMINDER_DAYS = env.int("BANK_TRANSFER_REMINDER_DAYS", default=3)
BANK_TRANSFER_EXPIRY_DAYS = env.int("BANK_TRANSFER_EXPIRY_DAYS", default=10)

# Content Security Policy (django-csp 4): our own scripts and styles only.
_SELF, _NONE = "'self'", "'none'"
# Stripe.js and its API are the only outside origins: Stripe's script and frames, and the calls they make.
_STRIPE_JS_ORIGIN, _STRIPE_API_ORIGIN = ("/".join(url.split("/", 3)[:3]) for url in (STRIPE_JS_URL, STRIPE_API_BASE))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF, _STRIPE_JS_ORIGIN],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF, _STRIPE_API_ORIGIN],
        "frame-src": [_STRIPE_JS_ORIGIN, "https://hooks.stripe.com"],  # 3-D Secure challenge frames
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}
