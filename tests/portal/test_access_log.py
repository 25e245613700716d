"""The access log keeps paths, never query strings or the tokens of links that grant access by themselves."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from portal.access_log import TOKEN_PREFIXES, scrub
from tests.portal.test_production import BASE_DIR, HOST, _free_port, manage, production_env

SECRET = "Zq8sEcReTtOkEn42"


@pytest.mark.parametrize(
    ("raw", "logged"),
    [
        (f"/accounts/password/reset/key/3-{SECRET}/", "/accounts/password/reset/key/{token}/"),
        (f"/accounts/confirm-email/{SECRET}/", "/accounts/confirm-email/{token}/"),
        (f"/privacy/exports/{SECRET}/", "/privacy/exports/{token}/"),
        (f"/portal/invitations/{SECRET}/", "/portal/invitations/{token}/"),
        (f"/portal/branding/files/{SECRET}/", "/portal/branding/files/{token}/"),
        (f"/t/{SECRET}/", "/t/{token}/"),
        (f"/portal/catalogue/?q={SECRET}", "/portal/catalogue/"),
        (f"https://{HOST}/privacy/exports/{SECRET}/?a=1#x", f"https://{HOST}/privacy/exports/{{token}}/"),
        ("/portal/orders/W-2026-0001/", "/portal/orders/W-2026-0001/"),
    ],
)
def test_scrub_keeps_the_path_and_drops_queries_and_tokens(raw, logged):
    assert scrub(raw) == logged


def test_the_production_proxy_rewrites_the_same_token_paths():
    caddyfile = (BASE_DIR / "deploy" / "Caddyfile").read_text()
    for prefix in TOKEN_PREFIXES:
        parts = [part for part in prefix.strip("/").split("/") if part]
        assert all(part in caddyfile for part in parts), f"deploy/Caddyfile does not rewrite {prefix}"


@pytest.mark.slow
def test_gunicorn_as_deployed_logs_no_token_nor_query(tmp_path: Path):
    env = production_env(tmp_path)
    for args in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        assert manage(env, *args).returncode == 0
    port = _free_port()
    log = tmp_path / "access.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "portal.wsgi"]
            + ["-b", f"127.0.0.1:{port}", "-w", "1"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            paths = [f"/accounts/password/reset/key/3-{SECRET}/", f"/privacy/exports/{SECRET}/", f"/healthz?k={SECRET}"]
            deadline = time.monotonic() + 30
            for path in paths:
                while True:
                    request = urllib.request.Request(
                        f"http://127.0.0.1:{port}{path}",
                        headers={"Host": HOST, "X-Forwarded-Proto": "https", "Referer": f"https://{HOST}{path}"},
                    )
                    try:
                        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 - our own local server
                        break
                    except urllib.error.HTTPError:
                        break  # a refusal is logged like any answer
                    except OSError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.3)
            time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=10)
    access = [line for line in log.read_text().splitlines() if '"GET /' in line]
    assert any("/accounts/password/reset/key/{token}/" in line for line in access), access
    assert any("/privacy/exports/{token}/" in line for line in access), access
    assert not [line for line in access if SECRET in line]
    assert SECRET not in log.read_text()  # nor in Django's own lines about those requests
