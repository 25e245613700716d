"""Benchmark: placing 50-line orders over HTTP under gunicorn on PostgreSQL, beside /healthz.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/orders.py

It migrates the database it is given (use a throwaway one), creates one merchant per client with a
signed-in session, starts gunicorn (2 workers) on a free 127.0.0.1 port, then each client thread in a
loop fills its cart with 50 lines (quick order) and places it. It prints orders per second and the
p50/p95 latency of the placing request, and the same figures for GET /healthz on the same server in
the same run. Tasks the orders enqueue (pro-forma invoices) go to a Redis queue that is purged after.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def prepare(clients: int) -> list[str]:
    """Migrate, create the catalogue and one merchant per client; return their session keys."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from merchants.models import Membership, Merchant
    from orders.models import Category, Product

    call_command("migrate", verbosity=0)
    category, _ = Category.objects.get_or_create(
        slug="bench", defaults={"name_en": "Bench", "name_fr": "Banc", "name_ar": "اختبار"}
    )
    for i in range(60):
        Product.objects.get_or_create(
            sku=f"BENCH-{i:03d}",
            defaults={
                "category": category,
                "name_en": f"Bench product {i}",
                "name_fr": f"Produit {i}",
                "name_ar": f"منتج {i}",
                "pack_size": "1",
                "unit_price_sar": Decimal("200.00"),
            },
        )
    sessions = []
    for i in range(clients):
        user, _ = get_user_model().objects.get_or_create(email=f"bench{i}@bench.test")
        merchant, _ = Merchant.objects.get_or_create(
            code=f"M-BEN{i:02d}", defaults={"legal_name": f"Bench {i}", "country": "SA", "currency": "SAR"}
        )
        Membership.objects.get_or_create(user=user, merchant=merchant, defaults={"role": "owner"})
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return sessions


class Client:
    def __init__(self, base: str, session_key: str) -> None:
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.session_key = session_key

    def request(self, path: str, data: dict | None = None) -> int:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(
            self.base + path,
            data=body,
            headers={
                "Cookie": f"sessionid={self.session_key}; csrftoken={self.csrf}"
                if hasattr(self, "csrf")
                else f"sessionid={self.session_key}",
                "Referer": self.base + "/portal/cart/",
            },
        )
        with self.opener.open(req, timeout=60) as response:
            response.read()
            return response.status

    def start(self) -> None:
        self.request("/portal/cart/")
        self.csrf = next(c.value for c in self.jar if c.name == "csrftoken")

    def place(self, lines: str) -> float:
        self.request("/portal/cart/quick/", {"csrfmiddlewaretoken": self.csrf, "lines": lines})
        began = time.perf_counter()
        self.request("/portal/cart/checkout/", {"csrfmiddlewaretoken": self.csrf, "delivery_mode": "own_address"})
        return time.perf_counter() - began


def run(clients: int, seconds: float, work) -> tuple[int, list[float], float]:
    latencies: list[float] = []
    lock, stop = threading.Lock(), time.monotonic() + seconds

    def loop(index: int) -> None:
        while time.monotonic() < stop:
            elapsed = work(index)
            with lock:
                latencies.append(elapsed)

    began = time.perf_counter()
    threads = [threading.Thread(target=loop, args=[i]) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies), latencies, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a throwaway PostgreSQL database.")
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15")
    os.environ.update(DJANGO_SETTINGS_MODULE="portal.settings", CELERY_BROKER_URL=broker, DEBUG="false")
    sessions = prepare(args.clients)
    port = free_port()
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        clients = [Client(base, key) for key in sessions]
        for client in clients:
            client.start()
        lines = "\n".join(f"BENCH-{i:03d},1" for i in range(50))
        orders, order_latencies, order_time = run(args.clients, args.seconds, lambda i: clients[i].place(lines))

        def health(_index: int) -> float:
            began = time.perf_counter()
            urllib.request.urlopen(base + "/healthz", timeout=30).read()
            return time.perf_counter() - began

        checks, health_latencies, health_time = run(args.clients, args.seconds / 2, health)
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "portal", "purge", "-f"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            check=False,
        )
    rate, health_rate = orders / order_time, checks / health_time
    print(f"gunicorn 2 workers, {args.clients} concurrent clients, PostgreSQL, {os.cpu_count()} cores")
    print(f"{'':24}{'per second':>12}{'p50 ms':>10}{'p95 ms':>10}")
    print(
        f"{'place 50-line order':24}{rate:12.1f}{percentile(order_latencies, 50) * 1000:10.1f}"
        f"{percentile(order_latencies, 95) * 1000:10.1f}"
    )
    print(
        f"{'GET /healthz':24}{health_rate:12.1f}{percentile(health_latencies, 50) * 1000:10.1f}"
        f"{percentile(health_latencies, 95) * 1000:10.1f}"
    )
    print(f"orders per second / health checks per second: {rate / health_rate:.3f}")


if __name__ == "__main__":
    main()
