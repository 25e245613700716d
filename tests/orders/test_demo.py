"""`orders.demo.seed()`: about forty Moroccan products in three languages and a rate for every demo
currency, idempotent, and a stale demo rate is replaced rather than left to block ordering."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders import demo, services
from orders.models import Category, ExchangeRate, Product

pytestmark = pytest.mark.django_db


def test_seed_creates_the_catalogue_and_rates_once():
    assert demo.seed() == len(demo.PRODUCTS)
    snapshot = (
        sorted(Product.objects.values_list("sku", "unit_price_sar", "name_fr", "name_ar", "hs_code")),
        Category.objects.count(),
        ExchangeRate.objects.count(),
    )
    demo.seed()
    assert (
        sorted(Product.objects.values_list("sku", "unit_price_sar", "name_fr", "name_ar", "hs_code")),
        Category.objects.count(),
        ExchangeRate.objects.count(),
    ) == snapshot
    assert 38 <= Product.objects.count() <= 45
    assert not Product.objects.filter(name_fr="").exists() and not Product.objects.filter(name_ar="").exists()
    assert not Product.objects.filter(description_en="").exists() and not Product.objects.filter(hs_code="").exists()
    assert all(product.photos.count() == 1 for product in Product.objects.prefetch_related("photos"))
    for currency in ("EUR", "GBP", "AED", "MAD", "KWD", "QAR"):
        assert services.rate_in_force(currency=currency).source == "demo"


def test_seed_replaces_a_demo_rate_that_has_gone_stale(settings):
    settings.EXCHANGE_RATE_MAX_AGE_HOURS = 48
    demo.seed_rates()
    ExchangeRate.objects.filter(source="demo").update(effective_at=timezone.now() - timedelta(days=3))
    with pytest.raises(services.StaleRate):
        services.rate_in_force(currency="EUR")
    assert len(demo.seed_rates()) == len(demo.DEMO_RATES)
    assert (
        services.rate_in_force(currency="EUR").rate_to_sar
        == ExchangeRate.objects.filter(currency="EUR").first().rate_to_sar
    )
    assert ExchangeRate.objects.filter(currency="EUR").count() == 2  # the old row stays: history
