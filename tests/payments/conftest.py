"""Payments test fixtures: providers switched on and pointed at local stand-ins (localstripe, and fake Saudi
providers speaking their documented APIs), exchange rates, orders, and Stripe-signed event deliveries."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import stripe
from django.utils import timezone

from orders import services as orders
from orders.models import ExchangeRate, Order
from tests.factories import MembershipFactory
from tests.orders.factories import ProductFactory
from tests.payments.fakes.moyasar import FakeMoyasar
from tests.payments.fakes.server import free_port
from tests.payments.fakes.tabby import FakeTabby
from tests.payments.fakes.tamara import FakeTamara

ROOT = Path(__file__).resolve().parents[2]
STRIPE_SECRET_KEY = "sk_test_portal_payments"
STRIPE_PUBLISHABLE_KEY = "pk_test_portal_payments"
STRIPE_WEBHOOK_SECRET = "whsec_test_portal_payments"
MOYASAR_SECRET_KEY = "sk_test_gateway"
MOYASAR_WEBHOOK_SECRET = "gateway-shared-token"
TABBY_SECRET_KEY = "sk_test_tabby"
TABBY_MERCHANT_CODE = "STORE_SA"
TABBY_WEBHOOK_SECRET = "tabby-shared-header-value"
TAMARA_API_TOKEN = "tamara-api-token"
TAMARA_NOTIFICATION_TOKEN = "tamara-notification-token-used-by-the-tests"
IBAN = "SA0380000000608010167519"
#: SAR per unit, as finance would enter them (USD is the peg, from the migrations)
RATES = {"EUR": Decimal("4.05"), "PLN": Decimal("0.95"), "KRW": Decimal("0.0027")}


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe stopped: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("localstripe did not start")


@pytest.fixture(scope="session")
def localstripe_url():
    """localstripe on a free 127.0.0.1 port, for the whole session (each test uses its own objects)."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own module, our interpreter
        [sys.executable, "-m", "tests.payments.fakes.localstripe_plus", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _wait_for(port, process)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def settings_csp(js_url: str, api_base: str) -> dict[str, Any]:
    """The CSP that portal/settings/integrations.py builds when STRIPE_JS_URL and STRIPE_API_BASE are set to these
    (the settings module itself is run again with them, so a test checks what it builds, not a copy of its logic)."""
    import importlib.util
    import os

    names = {"STRIPE_JS_URL": js_url, "STRIPE_API_BASE": api_base}
    before = {name: os.environ.get(name) for name in names}
    os.environ.update(names)
    try:
        path = ROOT / "portal" / "settings" / "integrations.py"
        spec = importlib.util.spec_from_file_location("_portal_settings_for_csp", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return module.CONTENT_SECURITY_POLICY


def parse_csp(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [values]}."""
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


@pytest.fixture
def stripe_on(settings, localstripe_url):
    """Stripe configured, its API base and Stripe.js URL pointing at localstripe."""
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = STRIPE_PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    settings.CONTENT_SECURITY_POLICY = settings_csp(settings.STRIPE_JS_URL, localstripe_url)
    return localstripe_url


@pytest.fixture
def moyasar(settings):
    fake = FakeMoyasar(MOYASAR_SECRET_KEY).start()
    settings.MOYASAR_API_BASE = fake.base
    settings.MOYASAR_SECRET_KEY = MOYASAR_SECRET_KEY
    settings.MOYASAR_WEBHOOK_SECRET = MOYASAR_WEBHOOK_SECRET
    yield fake
    fake.stop()


@pytest.fixture
def tabby(settings):
    fake = FakeTabby(TABBY_SECRET_KEY, TABBY_MERCHANT_CODE).start()
    settings.TABBY_API_BASE = fake.base
    settings.TABBY_SECRET_KEY = TABBY_SECRET_KEY
    settings.TABBY_MERCHANT_CODE = TABBY_MERCHANT_CODE
    settings.TABBY_WEBHOOK_SECRET = TABBY_WEBHOOK_SECRET
    yield fake
    fake.stop()


@pytest.fixture
def tamara(settings):
    fake = FakeTamara(TAMARA_API_TOKEN, TAMARA_NOTIFICATION_TOKEN).start()
    settings.TAMARA_API_BASE = fake.base
    settings.TAMARA_API_TOKEN = TAMARA_API_TOKEN
    settings.TAMARA_NOTIFICATION_TOKEN = TAMARA_NOTIFICATION_TOKEN
    yield fake
    fake.stop()


@pytest.fixture
def bank_transfer_on(settings):
    settings.BANK_TRANSFER_IBAN = IBAN
    settings.BANK_TRANSFER_BANK_NAME = "Saudi National Bank"
    return IBAN


@pytest.fixture
def rates(db):
    """Fresh rates for the currencies of the test merchants (finance enters them in real life)."""
    for currency, rate in RATES.items():
        ExchangeRate.objects.create(currency=currency, rate_to_sar=rate, source="finance", effective_at=timezone.now())
    return RATES


def place(
    *,
    country: str = "SA",
    currency: str = "SAR",
    subtotal_sar: Decimal = Decimal("6000"),
    membership: Any = None,
    delivery_mode: str = Order.Delivery.OWN_ADDRESS,
) -> Order:
    """A real order placed through the orders service, for a merchant of `country` ordering in `currency`."""
    membership = membership or MembershipFactory(merchant__country=country, merchant__currency=currency)
    product = ProductFactory(unit_price_sar=subtotal_sar)
    return orders.place_order(
        merchant=membership.merchant, placed_by=membership.user, items=[(product, 1)], delivery_mode=delivery_mode
    )


def signed_delivery(
    event: dict[str, Any], *, secret: str = STRIPE_WEBHOOK_SECRET, timestamp: int | None = None
) -> tuple[bytes, str]:
    """An event body and its Stripe-Signature header, computed exactly as Stripe signs deliveries."""
    body = json.dumps(event)
    return body.encode(), stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)


def stripe_event(event_type: str, obj: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """An event envelope as Stripe sends it."""
    return {
        "id": event_id or f"evt_{time.time_ns()}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": obj},
    }


def post_stripe(client: Any, body: bytes, signature: str) -> Any:
    return client.post(
        "/payments/webhooks/stripe/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def stripe_client() -> stripe.StripeClient:
    """The test's own Stripe client on localstripe, to act as the payer or as Stripe's dashboard."""
    from django.conf import settings

    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": settings.STRIPE_API_BASE})


def pay_intent(intent_id: str, card: str = "pm_card_visa") -> dict[str, Any]:
    """Confirm a PaymentIntent with a test card at localstripe, as Stripe.js would after the payer's input."""
    client = stripe_client()
    client.v1.payment_intents.update(intent_id, params={"payment_method": card})
    return client.v1.payment_intents.confirm(intent_id).to_dict()
