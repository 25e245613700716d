"""portal.ratelimit: per address and per account on the cache, 429 with Retry-After, others unaffected."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from portal import ratelimit
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_rates_parse():
    assert (ratelimit.parse("10/m").count, ratelimit.parse("10/m").seconds) == (10, 60)
    assert ratelimit.parse("5/300s").seconds == 300
    assert ratelimit.parse("100/2h").seconds == 7200
    with pytest.raises(ValueError, match="bad rate"):
        ratelimit.parse("ten a minute")


def test_the_next_request_over_the_limit_gets_429_with_retry_after_and_another_address_does_not(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 2
    settings.RATE_LIMITS = {"demo": {"ip": "3/m"}}
    view = ratelimit.rate_limited("demo")(lambda request: HttpResponse("ok"))
    factory = RequestFactory()

    def call(address):
        return view(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{address}, 10.0.0.1"))

    assert [call("198.51.100.1").status_code for _ in range(3)] == [200, 200, 200]
    refused = call("198.51.100.1")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert call("203.0.113.7").status_code == 200


def test_webhooks_are_limited_per_client_address(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 2
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "webhooks": {"ip": "2/m"}}
    url = reverse("payments:webhook", args=["stripe"])
    flood = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.1")
    for _ in range(2):
        assert flood.post(url, b"{}", content_type="application/json").status_code != 429
    refused = flood.post(url, b"{}", content_type="application/json")
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert refused.json()["error"] == "rate_limited"
    other = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    assert other.post(url, b"{}", content_type="application/json").status_code != 429


def test_exports_are_limited_per_account_and_another_member_is_unaffected(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "exports": {"user": "2/h"}}
    first, second = MembershipFactory().user, MembershipFactory().user
    client = Client()
    client.force_login(first)
    for _ in range(2):
        assert client.post(reverse("privacy:export_request")).status_code != 429
    refused = client.post(reverse("privacy:export_request"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 60
    other = Client()
    other.force_login(second)
    assert other.post(reverse("privacy:export_request")).status_code != 429
