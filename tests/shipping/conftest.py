"""Fixtures of the shipping tests: the fake courier on 127.0.0.1, wired in as the HTTP carrier."""

from __future__ import annotations

import pytest

from tests.shipping.fake_courier import FakeCourier


@pytest.fixture
def courier(settings):
    """A fake courier API started for the test; new shipments are booked with it."""
    fake = FakeCourier()
    settings.SHIPPING_CARRIER = "http"
    settings.SHIPPING_HTTP_CARRIER_URL = fake.start()
    settings.SHIPPING_HTTP_CARRIER_API_KEY = fake.api_key
    settings.SHIPPING_HTTP_CARRIER_TIMEOUT = 5.0
    yield fake
    fake.stop()
