"""Small request helpers shared by the apps."""

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as django-axes sees it (the one rule for every record of "from where")."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)
