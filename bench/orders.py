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
import sys
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.common import gunicorn, print_row, run_clients, timed_healthz  # noqa: E402


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
    with gunicorn(2) as base:
        clients = [Client(base, key) for key in sessions]
        for client in clients:
            client.start()
        lines = "\n".join(f"BENCH-{i:03d},1" for i in range(50))
        order_latencies, order_time = run_clients(args.clients, args.seconds, lambda i: clients[i].place(lines))
        health_latencies, health_time = run_clients(args.clients, args.seconds / 2, lambda _i: timed_healthz(base))
    rate, health_rate = len(order_latencies) / order_time, len(health_latencies) / health_time
    print(f"gunicorn 2 workers, {args.clients} concurrent clients, PostgreSQL, {os.cpu_count()} cores")
    print(f"{'':24}{'per second':>12}{'p50 ms':>10}{'p95 ms':>10}")
    print_row("place 50-line order", rate, order_latencies, width=24)
    print_row("GET /healthz", health_rate, health_latencies, width=24)
    print(f"orders per second / health checks per second: {rate / health_rate:.3f}")


if __name__ == "__main__":
    main()
