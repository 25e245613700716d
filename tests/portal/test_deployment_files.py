"""docker-compose.yml and the Dockerfile only run commands that exist in the project."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

BASE_DIR = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
PORTAL_SERVICES = {"migrate", "web", "worker", "beat"}


def dockerfile_cmd() -> list[str]:
    line = next(x for x in (BASE_DIR / "Dockerfile").read_text().splitlines() if x.startswith("CMD "))
    return json.loads(line[4:])


def assert_runs_something_real(command: list[str]) -> None:
    """python manage.py X -> a management command; celery -A M X -> our Celery app; gunicorn M -> a WSGI app."""
    program = command[0]
    if program == "python" and command[1] == "manage.py":
        assert command[2] in get_commands(), f"no management command {command[2]!r}"
    elif program == "python" and command[1] == "-c":
        compile(command[2], "<healthcheck>", "exec")
    elif program == "celery":
        assert command[1] == "-A"
        module = importlib.import_module(command[2])
        assert module.celery_app.main == "portal"
        assert command[3] in {"worker", "beat", "inspect"}
    elif program == "gunicorn":
        module_name, _, attribute = command[1].partition(":")
        assert callable(getattr(importlib.import_module(module_name), attribute or "application"))
    else:
        pytest.fail(f"unknown program in {command}")


@pytest.mark.parametrize("service", sorted(PORTAL_SERVICES))
def test_each_portal_service_runs_a_command_of_the_project(service):
    spec = COMPOSE["services"][service]
    assert spec["build"] == "."
    assert_runs_something_real(spec["command"])
    if "healthcheck" in spec:
        assert_runs_something_real(spec["healthcheck"]["test"][1:])


def test_the_web_healthcheck_calls_a_real_url():
    probe = COMPOSE["services"]["web"]["healthcheck"]["test"][-1]
    assert "/healthz" in probe
    assert resolve("/healthz").url_name == "healthz"


def test_dockerfile_default_command_is_gunicorn_on_our_wsgi_app():
    assert_runs_something_real(dockerfile_cmd())


def test_the_stack_has_its_services_with_health_checks_and_named_volumes():
    services = COMPOSE["services"]
    assert {"web", "worker", "beat", "db", "redis", "mailcatcher"} <= set(services)
    for name in ("web", "worker", "db", "redis", "mailcatcher"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "redisdata", "private"} <= set(COMPOSE["volumes"])
    assert services["web"]["environment"]["EMAIL_URL"].startswith("smtp://mailcatcher:")
