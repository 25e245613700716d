"""Small request helpers shared by the apps."""

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as django-axes sees it (the one rule for every record of "from where")."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def address_behind_proxies(request: HttpRequest) -> str | None:
    """The client's address with PROXY_COUNT trusted reverse proxies in front (django-axes'
    AXES_CLIENT_IP_CALLABLE): each proxy appends the address it saw to X-Forwarded-For, so the client is the
    PROXY_COUNT-th entry from the right; entries further left are whatever the client sent and are never
    trusted. Without proxies (or without the header), REMOTE_ADDR."""
    from django.conf import settings

    count = settings.AXES_IPWARE_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
