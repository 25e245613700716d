"""Small request helpers shared by the apps."""

from django.conf import settings
from django.http import HttpRequest

from audit.http import client_ip

__all__ = ["address_behind_proxies", "client_ip"]


def address_behind_proxies(request: HttpRequest) -> str | None:
    """The client's address with PROXY_COUNT trusted reverse proxies in front (django-axes'
    AXES_CLIENT_IP_CALLABLE): each proxy appends the address it saw to X-Forwarded-For, so the client is the
    PROXY_COUNT-th entry from the right; entries further left are whatever the client sent and are never
    trusted. Without proxies (or without the header), REMOTE_ADDR."""
    count = settings.AXES_IPWARE_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a sign-in attempt names, for django-axes (AXES_USERNAME_CALLABLE): the staff form's
    `username`, allauth's `email` or `login`, from the credentials or else the posted form; lower-cased,
    so that `Owner@Shop.example` and `owner@shop.example` are one account."""
    for source in (credentials or {}, getattr(request, "POST", None) or {}):
        for field in ("username", "email", "login"):
            value = source.get(field)
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
    return None
