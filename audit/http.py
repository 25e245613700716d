"""The client's address: the one rule for every record of "from where" (and every limiter's key)."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as django-axes sees it (AXES_CLIENT_IP_CALLABLE decides behind proxies)."""
    return get_client_ip_address(request)
