"""GET /healthz reports database, broker and cache; 200 only when all three are ok."""

import pytest

from portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_every_service_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_is_degraded_with_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "error", "cache": "ok"}


def test_healthz_is_degraded_when_the_cache_fails(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "error"


@pytest.mark.services(needs=("redis",))
def test_healthz_is_ok_on_the_redis_cache(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "RedisCache"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "ok"
