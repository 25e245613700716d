"""Project-level pages: the public home page and the health check."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.health import check_health


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """JSON state of database, broker and cache; HTTP 200 only when all are ok, else 503."""
    report = check_health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
