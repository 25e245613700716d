"""docker-compose.yml and the Dockerfile only run commands that exist in the project."""

from __future__ import annotations

import importlib
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

BASE_DIR = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
PORTAL_SERVICES = {"migrate", "web", "worker", "beat"}


def healthcheck_command(spec: dict) -> list[str]:
    """A health check's program and arguments (`CMD-SHELL` runs one shell line; `$$` is compose's `$`)."""
    kind, *rest = spec["healthcheck"]["test"]
    return shlex.split(rest[0].replace("$$", "$")) if kind == "CMD-SHELL" else rest


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
        if command[1] == "-c":  # the config module our deployments use
            assert command[2].startswith("python:")
            importlib.import_module(command[2].removeprefix("python:"))
            command = [program, *command[3:]]
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
        assert_runs_something_real(healthcheck_command(spec))


def test_the_web_healthcheck_calls_a_real_url():
    probe = COMPOSE["services"]["web"]["healthcheck"]["test"][-1]
    assert "/healthz" in probe
    assert resolve("/healthz").url_name == "healthz"


def test_dockerfile_default_command_is_gunicorn_on_our_wsgi_app():
    assert_runs_something_real(dockerfile_cmd())


def test_the_stack_has_its_services_with_health_checks_and_named_volumes():
    services = COMPOSE["services"]
    assert {"web", "worker", "beat", "db", "redis", "mailcatcher"} <= set(services)
    for name in ("web", "worker", "beat", "db", "redis", "mailcatcher"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "redisdata", "private"} <= set(COMPOSE["volumes"])
    email = re.fullmatch(r"\$\{EMAIL_URL:-(.+)\}", services["web"]["environment"]["EMAIL_URL"])
    assert email and email.group(1).startswith("smtp://mailcatcher:")


def test_every_service_restarts_and_every_image_is_pinned():
    for name, spec in COMPOSE["services"].items():
        assert spec.get("restart") in {"unless-stopped", "always"} or name == "migrate", name
        if "image" in spec and "build" not in spec:
            repository, _, tag = spec["image"].rpartition(":")
            assert repository and re.fullmatch(r"v?\d+\.\d+(\.\d+)?", tag), f"{name}: {spec['image']} is not pinned"


def test_portal_services_read_the_env_file_and_the_production_profile_adds_a_tls_proxy():
    services = COMPOSE["services"]
    for name in PORTAL_SERVICES:
        assert services[name]["env_file"] == ".env", name
    proxy = services["proxy"]
    assert proxy["profiles"] == ["production"] and proxy["image"].startswith("caddy:")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert (BASE_DIR / "deploy" / "Caddyfile").is_file()


def test_the_worker_health_check_pings_its_own_node_only():
    worker = COMPOSE["services"]["worker"]
    check = healthcheck_command(worker)
    assert check[check.index("--destination") + 1] == "worker@$HOSTNAME"
    assert "--hostname=worker@%h" in worker["command"]


@pytest.mark.django_db
def test_the_beat_health_check_fails_until_a_job_was_dispatched_recently():
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.update(last_run_at=None)
    with pytest.raises(CommandError, match="dispatched nothing"):
        call_command("beat_health")
    PeriodicTask.objects.filter(pk=PeriodicTask.objects.filter(enabled=True).first().pk).update(
        last_run_at=timezone.now()
    )
    call_command("beat_health")


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="needs docker-compose (make system-deps)")
def test_docker_compose_config_is_valid(tmp_path):
    """The file as an operator uses it: beside a .env made from .env.example, with the production profile."""
    shutil.copy(BASE_DIR / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copytree(BASE_DIR / "deploy", tmp_path / "deploy")
    shutil.copy(BASE_DIR / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "--profile", "production", "config", "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
