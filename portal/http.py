"""Small request helpers shared by the apps."""

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as django-axes computed it (proxy-aware), else REMOTE_ADDR."""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
