"""Benchmark: signed Stripe events posted by concurrent clients to /payments/webhooks/stripe/ under gunicorn on
PostgreSQL, beside /healthz.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/webhooks.py

It migrates the database it is given (use a throwaway one), starts gunicorn (2 workers) on a free 127.0.0.1
port with a Stripe webhook secret, then each client thread posts distinct events signed exactly as Stripe
signs them (`stripe.WebhookSignature`). The view only verifies the signature, stores the event once and
enqueues its job (no worker runs here: the queue, Redis by default, is purged after). It prints events
accepted per second and the p50/p95 latency of the webhook view, the same figures for GET /healthz on the
same server in the same run, and checks that every accepted event was stored exactly once and that
re-delivered ones were acknowledged as duplicates.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.common import gunicorn, percentile, print_row, run_clients, timed_healthz  # noqa: E402

SECRET = "whsec_bench_webhooks"  # noqa: S105 - a throwaway secret of this benchmark only


def event(number: int, run: str) -> dict:
    """A payment_intent.succeeded event as Stripe sends it (about a PaymentIntent the portal does not know)."""
    intent = {
        "id": f"pi_bench_{run}_{number}",
        "object": "payment_intent",
        "amount": 690000,
        "currency": "sar",
        "status": "succeeded",
        "metadata": {"order_reference": f"O-BENCH-{number:06d}"},
    }
    return {
        "id": f"evt_bench_{run}_{number}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "type": "payment_intent.succeeded",
        "data": {"object": intent},
    }


def post(base: str, payload: dict) -> tuple[float, int, bool]:
    """Sign and post one event; (seconds, status, acknowledged as a duplicate)."""
    import stripe

    body = json.dumps(payload)
    request = urllib.request.Request(
        f"{base}/payments/webhooks/stripe/",
        data=body.encode(),
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": stripe.WebhookSignature.generate_signature_header(body, SECRET),
        },
    )
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own local server
            answer = json.loads(response.read())
            return time.perf_counter() - began, response.status, bool(answer.get("duplicate"))
    except urllib.error.HTTPError as error:
        return time.perf_counter() - began, error.code, False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a throwaway PostgreSQL database.")
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        CELERY_BROKER_URL=broker,
        DEBUG="false",
        STRIPE_SECRET_KEY="sk_test_bench",  # noqa: S106 - the benchmark's own test keys
        STRIPE_PUBLISHABLE_KEY="pk_test_bench",
        STRIPE_WEBHOOK_SECRET=SECRET,
    )
    import django

    django.setup()
    from django.core.management import call_command

    from payments.models import ProviderEvent

    call_command("migrate", verbosity=0)
    run_id = f"{int(time.time())}{random.randint(100, 999)}"  # noqa: S311 - a label, not a secret
    counter = iter(range(10**9))
    counter_lock = threading.Lock()

    def next_number() -> int:
        with counter_lock:
            return next(counter)

    with gunicorn(args.workers) as base:
        posted, post_time = run_clients(args.clients, args.seconds, lambda _i: post(base, event(next_number(), run_id)))
        health_latencies, health_time = run_clients(args.clients, args.seconds / 2, lambda _i: timed_healthz(base))
        sample = random.sample(range(len(posted)), min(200, len(posted)))  # noqa: S311
        replays = [post(base, event(number, run_id)) for number in sample]
    accepted = [r for r in posted if r[1] == 200 and not r[2]]
    stored = ProviderEvent.objects.filter(event_id__startswith=f"evt_bench_{run_id}_").count()
    webhook_latencies = [r[0] for r in posted]
    rate, health_rate = len(accepted) / post_time, len(health_latencies) / health_time
    print(f"gunicorn {args.workers} workers, {args.clients} concurrent clients, PostgreSQL, {os.cpu_count()} cores")
    print(f"{'':28}{'per second':>12}{'p50 ms':>10}{'p95 ms':>10}")
    print_row("POST webhook (accepted)", rate, webhook_latencies)
    print_row("GET /healthz", health_rate, health_latencies)
    print(
        f"events posted {len(posted)}, accepted {len(accepted)}, stored {stored} (each once: {stored == len(accepted)})"
    )
    print(f"re-delivered {len(replays)}, acknowledged as duplicates {sum(1 for r in replays if r[1] == 200 and r[2])}")
    print(f"webhook p95 / healthz p95: {percentile(webhook_latencies, 95) / percentile(health_latencies, 95):.2f}")


if __name__ == "__main__":
    main()
