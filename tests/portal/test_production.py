"""Production mode, tested on a real gunicorn process: required secrets, check --deploy, headers."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django_otp.oath import TOTP

BASE_DIR = Path(settings.BASE_DIR)
HOST = "portal.example.test"


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The environment a production deployment sets (see README), on a throwaway SQLite database."""
    # Nothing of the test process leaks in (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, for one).
    leave_out = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="x" * 10 + Fernet.generate_key().decode(),
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        HMAC_KEY=Fernet.generate_key().decode(),
        BACKUP_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.parametrize("variable", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY", "HMAC_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_variable_and_names_it(tmp_path, variable):
    env = production_env(tmp_path)
    del env[variable]
    result = manage(env, "check")
    assert result.returncode != 0
    assert f"Set the {variable} environment variable" in result.stderr


def test_an_invalid_encryption_key_stops_start_up(tmp_path):
    result = manage(production_env(tmp_path, FIELD_ENCRYPTION_KEY="not-a-key"), "check")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is not a valid key" in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browserless:
    """A tiny HTTPS-behind-a-proxy client: keeps Secure cookies that plain HTTP clients would drop."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, body: str = "") -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Referer": f"https://{HOST}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.body = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response


@pytest.fixture
def production_server(tmp_path):
    env = production_env(tmp_path)
    for args in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        result = manage(env, *args)
        assert result.returncode == 0, result.stderr
    staff = manage(env, "createstaff", "ops@store.test", "--role", "security", "--password", "a long staff password")
    secret = re.search(r"secret=([A-Z2-7]+)", staff.stdout).group(1)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port, secret
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.slow
def test_security_headers_and_cookies_on_real_production_responses(production_server):
    import base64

    port, secret = production_server
    client = Browserless(port)

    page = client.request("GET", "/admin/login/")
    assert page.status == 200
    headers = {k.lower(): v for k, v in page.getheaders()}
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["strict-transport-security"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'self'" in script_src
    assert "frame-ancestors 'none'" in csp
    assert "no-store" in headers["cache-control"]
    csrf_cookie = next(
        v for k, v in page.getheaders() if k.lower() == "set-cookie" and v.startswith("__Host-csrftoken")
    )
    assert "Secure" in csrf_cookie and "SameSite=Lax" in csrf_cookie and "HttpOnly" in csrf_cookie

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    step1 = client.request(
        "POST",
        "/admin/login/",
        f"csrfmiddlewaretoken={token}&username=ops%40store.test&password=a+long+staff+password&next=%2Fadmin%2F",
    )
    assert step1.status == 302
    session_cookie = next(v for k, v in step1.getheaders() if k.lower() == "set-cookie" and "sessionid" in v)
    assert session_cookie.startswith("__Host-sessionid=")
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie

    verify = client.request("GET", "/admin/login/verify/?next=/admin/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', verify.body).group(1)
    code = TOTP(base64.b32decode(secret)).token()
    step2 = client.request(
        "POST", "/admin/login/verify/", f"csrfmiddlewaretoken={token}&code={code:06d}&next=%2Fadmin%2F"
    )
    assert step2.status == 302
    admin_index = client.request("GET", "/admin/")
    assert admin_index.status == 200
    assert "no-store" in dict((k.lower(), v) for k, v in admin_index.getheaders())["cache-control"]
