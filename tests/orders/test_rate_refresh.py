"""A scheduled job refreshes rates from a configured ECB-style source (a local server here)."""

from __future__ import annotations

import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from orders import services, tasks
from orders.models import ExchangeRate
from tests.reference_data import seed_migration

pytestmark = pytest.mark.django_db

ECB = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <Cube><Cube time="2026-11-24">
    <Cube currency="USD" rate="1.08"/><Cube currency="GBP" rate="0.8640"/><Cube currency="JPY" rate="163.2"/>
  </Cube></Cube>
</gesmes:Envelope>"""


@pytest.fixture
def ecb_server():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.end_headers()
            self.wfile.write(ECB)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/eurofxref-daily.xml"
    server.shutdown()


def test_rates_are_derived_through_the_usd_peg(settings, ecb_server):
    settings.EXCHANGE_RATE_SOURCE_URL = ecb_server
    settings.EXCHANGE_RATE_CURRENCIES = ["EUR", "GBP", "MAD"]
    assert tasks.refresh_exchange_rates() == 2  # MAD is not published: finance keeps it
    eur = ExchangeRate.objects.get(currency="EUR")
    gbp = ExchangeRate.objects.get(currency="GBP")
    assert eur.rate_to_sar == Decimal("4.05000000")  # 1.08 USD x 3.75
    assert gbp.rate_to_sar == Decimal("4.68750000")  # 4.05 / 0.864
    assert eur.source == "ECB"


def test_without_a_configured_source_nothing_is_fetched(settings):
    settings.EXCHANGE_RATE_SOURCE_URL = ""
    assert tasks.refresh_exchange_rates() == 0


def test_the_refresh_is_scheduled_by_the_reference_data():
    PeriodicTask.objects.all().delete()
    seed_migration("orders", "0002_reference_data").seed(apps, None)
    task = PeriodicTask.objects.get(name="Refresh exchange rates")
    assert task.task == "orders.tasks.refresh_exchange_rates"
    assert task.enabled


def serve(document: bytes, content_type: str):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_json_source_based_on_the_dollar_gives_gulf_and_moroccan_rates(settings):
    server = serve(
        b'{"base": "USD", "rates": {"AED": 3.6725, "KWD": 0.3075, "MAD": 9.25, "EUR": 0.925}}', "application/json"
    )
    try:
        settings.EXCHANGE_RATE_SOURCE_URL = f"http://127.0.0.1:{server.server_port}/latest.json"
        settings.EXCHANGE_RATE_CURRENCIES = ["AED", "KWD", "MAD", "QAR"]
        assert tasks.refresh_exchange_rates() == 3  # QAR is not in this document
    finally:
        server.shutdown()
    rates = dict(ExchangeRate.objects.filter(source="127.0.0.1").values_list("currency", "rate_to_sar"))
    assert rates == {
        "AED": Decimal("1.02110279"),  # 3.75 / 3.6725
        "KWD": Decimal("12.19512195"),  # 3.75 / 0.3075
        "MAD": Decimal("0.40540541"),  # 3.75 / 9.25
    }


@pytest.mark.parametrize(
    "document",
    [b"<html>maintenance</html>", b'{"base": "EUR", "rates": {"GBP": 0.86}}', b'{"base": "EUR", "rates": {"USD": 0}}'],
    ids=["not-rates", "no-usd", "zero"],
)
def test_a_broken_source_adds_nothing(settings, document):
    server = serve(document, "text/plain")
    try:
        settings.EXCHANGE_RATE_SOURCE_URL = f"http://127.0.0.1:{server.server_port}/"
        with pytest.raises(services.RateSourceError):
            tasks.refresh_exchange_rates()
    finally:
        server.shutdown()
    assert not ExchangeRate.objects.exclude(source__in=["base", "peg"]).exists()
