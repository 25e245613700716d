"""Webhooks never answer 500 to bad input: whatever the headers or the body, a delivery that is not a verified,
well-formed event is answered 400, with nothing stored. A signature that does not verify is a security event; a
correctly signed body that is not an event as the provider documents it is refused without one."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from django.urls import reverse

from audit.models import SecurityEvent
from payments.models import ProviderEvent
from tests.payments.conftest import (
    MOYASAR_WEBHOOK_SECRET,
    TABBY_WEBHOOK_SECRET,
    TAMARA_NOTIFICATION_TOKEN,
    post_stripe,
    signed_delivery,
)

pytestmark = pytest.mark.django_db

EVENT = {"id": "evt_bad_input", "object": "event", "type": "payment_intent.succeeded", "created": 1}


def signed(body: object) -> tuple[bytes, str]:
    return signed_delivery(body)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body",
    [
        [EVENT],  # a JSON array
        None,  # JSON null
        "evt_1",  # a JSON string
        {**EVENT, "data": []},  # data not an object
        {**EVENT, "data": "x"},
        {**EVENT, "data": {"object": ["pi_1"]}},  # data.object not an object
        {**EVENT, "data": {"object": None}},
        {**EVENT, "id": {"x": 1}, "data": {"object": {"id": "pi_1", "object": "payment_intent"}}},  # id not text
        {**EVENT, "type": 7, "data": {"object": {"id": "pi_1", "object": "payment_intent"}}},
        {**EVENT, "data": {"object": {"id": "pi_\u0000", "object": "payment_intent"}}},  # a NUL PostgreSQL refuses
    ],
)
def test_a_signed_stripe_body_that_is_not_an_event_is_refused_with_400(client, stripe_on, body):
    assert post_stripe(client, *signed(body)).status_code == 400
    assert not ProviderEvent.objects.exists()
    assert not SecurityEvent.objects.filter(kind="webhook_invalid").exists()  # signed by Stripe: not a forgery


@pytest.mark.parametrize(
    "signature",
    ["t=1700000000,v1=\u00e9\u00e9\u00e9", "t=\u00e9,v1=abc", "\u00ff", "v1=" + "a" * 64, "t=1,,,"],
)
def test_an_unreadable_stripe_signature_is_a_400_and_a_security_event(client, stripe_on, signature):
    body, _good = signed({**EVENT, "data": {"object": {"id": "pi_1", "object": "payment_intent"}}})
    assert post_stripe(client, body, signature).status_code == 400
    assert not ProviderEvent.objects.exists()
    assert SecurityEvent.objects.filter(kind="webhook_invalid").count() == 1


def test_a_stripe_body_that_is_not_utf8_is_a_400(client, stripe_on):
    body = b"\xff\xfe{not json"
    assert post_stripe(client, body, "t=1,v1=abc").status_code == 400
    assert not ProviderEvent.objects.exists()


@pytest.mark.parametrize("body", [b"[1, 2]", b"null", b'"x"', b"\xff\xfe", b'{"id": [1], "status": {"a": 1}}'])
def test_tabby_webhooks_with_bad_bodies_or_headers_are_400(client, tabby, settings, body):
    url = reverse("payments:webhook", args=["tabby"])
    header = settings.TABBY_WEBHOOK_HEADER
    good = client.post(url, body, content_type="application/json", headers={header: TABBY_WEBHOOK_SECRET})
    bad = client.post(url, body, content_type="application/json", headers={header: "\u00e9t\u00e9"})
    assert good.status_code in {200, 400}  # never 500
    assert bad.status_code == 400


def test_tabby_webhooks_never_store_bodies_that_are_not_objects(client, tabby, settings):
    url = reverse("payments:webhook", args=["tabby"])
    for body in (b"[1, 2]", b"null", b"\xff\xfe"):
        response = client.post(
            url, body, content_type="application/json", headers={settings.TABBY_WEBHOOK_HEADER: TABBY_WEBHOOK_SECRET}
        )
        assert response.status_code == 400
    assert not ProviderEvent.objects.exists()


def tamara_token(key: str = TAMARA_NOTIFICATION_TOKEN) -> str:
    now = int(time.time())
    return jwt.encode({"iat": now, "exp": now + 3600}, key, algorithm="HS256")


@pytest.mark.parametrize("body", [b"[1, 2]", b"null", b"\xff\xfe", b'{"order_id": ""}', b'{"order_id": "a\\u0000"}'])
def test_tamara_notifications_with_bad_bodies_are_400(client, tamara, body):
    url = reverse("payments:webhook", args=["tamara"])
    response = client.post(f"{url}?tamaraToken={tamara_token()}", body, content_type="application/json")
    assert response.status_code == 400
    assert not ProviderEvent.objects.exists()


@pytest.mark.parametrize("token", ["\u00e9\u00e9.\u00e9\u00e9.\u00e9\u00e9", "a.b.c", "\u00ff"])
def test_tamara_notifications_with_unreadable_tokens_are_400(client, tamara, token):
    url = reverse("payments:webhook", args=["tamara"])
    body = json.dumps({"order_id": "ord_1"}).encode()
    response = client.post(url, body, content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert not ProviderEvent.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        [1],
        None,
        {"id": "evt_1", "type": "payment_paid", "secret_token": MOYASAR_WEBHOOK_SECRET, "data": [1]},
        {"id": "evt_1", "type": "payment_paid", "secret_token": MOYASAR_WEBHOOK_SECRET, "data": "x"},
        {"id": "evt_1", "type": "payment_paid", "secret_token": ["x"], "data": {}},
        {"id": "evt_\u0000", "type": "payment_paid", "secret_token": MOYASAR_WEBHOOK_SECRET, "data": {"id": "p"}},
    ],
)
def test_gateway_webhooks_with_bad_bodies_are_400(client, moyasar, data):
    url = reverse("payments:webhook", args=["moyasar"])
    assert client.post(url, json.dumps(data), content_type="application/json").status_code == 400
    assert client.post(url, b"\xff\xfe", content_type="application/json").status_code == 400
    assert not ProviderEvent.objects.exists()


def test_the_gateways_invoice_callback_with_bad_bodies_is_400(client, moyasar):
    url = reverse("payments:moyasar_invoice_callback")
    for body in (b"[1]", b"null", b"\xff", b'{"id": {"a": 1}}'):
        assert client.post(url, body, content_type="application/json").status_code == 400
    assert not ProviderEvent.objects.exists()


def test_a_good_delivery_is_still_accepted(client, stripe_on):
    body, signature = signed(
        {**EVENT, "id": "evt_fine", "data": {"object": {"id": "pi_other", "object": "payment_intent"}}}
    )
    assert post_stripe(client, body, signature).status_code == 200
    assert ProviderEvent.objects.get().event_id == "evt_fine"
