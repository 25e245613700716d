"""Benchmark: 1,000 white-label shipments through real Celery workers on Redis and PostgreSQL.

    createdb -h 127.0.0.1 -U postgres portal_shipping_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_shipping_bench \
    REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/shipping.py [--shipments 1000] [--workers 2]

It migrates the database it is given (use a throwaway one), starts a fake courier API on 127.0.0.1 (the
one the tests use, answering at once) and two worker processes (solo pool) on a queue of its own. It
creates a paid white-label order with 1,000 consignees and a brand kit, starts shipping, and waits until
every parcel is booked and noticed. It prints shipments per second (slip -> carrier -> notice, three
tasks each), packing slips per second, and, in the same run on the same workers, the throughput of a
no-op task (`portal.ping`: one `SELECT 1`), before and after. Then, in this process, the median time of
one packing slip (brand kit, template, WeasyPrint, leak guard) beside a bare WeasyPrint render of the
same HTML.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def median_seconds(call, runs: int) -> float:  # noqa: ANN001
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shipments", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pings", type=int, default=1000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: this benchmark runs on the real services.")

    from tests.shipping.fake_courier import FakeCourier

    courier = FakeCourier()
    queue = f"bench-shipping-{uuid.uuid4().hex[:8]}"
    media = BASE_DIR / "var" / "bench-private"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "SHIPPING_QUEUE": queue,
            "SHIPPING_CARRIER": "http",
            "SHIPPING_HTTP_CARRIER_URL": courier.start(),
            "SHIPPING_HTTP_CARRIER_API_KEY": courier.api_key,
            "PRIVATE_MEDIA_ROOT": str(media),
            "EMAIL_URL": "dummymail://",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from branding import services as branding_services
    from merchants.models import Membership, Merchant, User
    from orders import services as order_services
    from orders.models import Category, Order, Product
    from portal.celery import app
    from portal.tasks import ping
    from shipping import documents, services
    from shipping.models import Shipment, ShipmentEvent
    from tests.branding.helpers import png

    call_command("migrate", verbosity=0)
    print(f"Preparing an order with {args.shipments} consignees...", flush=True)
    app.conf.task_always_eager = True  # the order's own tasks (invoices) run here while setting up
    tag = uuid.uuid4().hex[:6]
    user = User.objects.create_user(email=f"bench-{tag}@example.test", password=None)
    merchant = Merchant.objects.create(legal_name=f"Bench {tag} LLC", trade_name="Atlas Argan Boutique", country="FR")
    Membership.objects.create(user=user, merchant=merchant, role=Membership.Role.OWNER)
    category, _ = Category.objects.get_or_create(
        slug="bench", defaults={"name_en": "Bench", "name_fr": "Banc", "name_ar": "اختبار"}
    )
    product = Product.objects.create(
        sku=f"BENCH-WL-{tag}", category=category, name_en="Argan oil 100 ml", name_fr="Huile d'argan 100 ml",
        name_ar="زيت الأركان", pack_size="1", unit_price_sar=Decimal("60.00"),
    )  # fmt: skip
    branding_services.upload_brand_kit(
        merchant=merchant,
        by=user,
        logo=png(size=(800, 400)),
        data={
            "sender_name": "Atlas Argan Boutique",
            "return_address": "4 Quai de Valmy, 75010 Paris, France",
            "slip_message": "Thank you for your order!",
            "insert_text": "",
            "colours": "#1a4d2e",
        },
    )
    order = order_services.place_order(
        merchant=merchant, placed_by=user, items=[(product, args.shipments)], delivery_mode=Order.Delivery.WHITE_LABEL
    )
    line = order.lines.get()
    services.add_consignees(
        order=order,
        by=user,
        consignees=[
            services.ConsigneeData(
                name=f"Customer {i}", phone=f"+3361234{i:04d}", address_line1=f"{i} rue Oberkampf", city="Paris",
                postal_code="75011", country="FR", items={line.pk: 1},
            )
            for i in range(args.shipments)
        ],
    )  # fmt: skip
    order = order_services.mark_paid(order=order, source="bench")
    app.conf.task_always_eager = False

    env = {**os.environ}
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", queue, "-P", "solo",
               "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"]  # fmt: skip
    workers = [
        subprocess.Popen([*command, f"--hostname={queue}-{i}@%h"], cwd=BASE_DIR, env=env) for i in range(args.workers)
    ]
    try:
        warm = [ping.apply_async(args=["warm"], queue=queue) for _ in range(20)]
        for result in warm:
            result.get(timeout=120)

        def noop_rate() -> float:
            started = time.perf_counter()
            results = [ping.apply_async(args=[str(i)], queue=queue) for i in range(args.pings)]
            for result in results:
                result.get(timeout=300)
            return args.pings / (time.perf_counter() - started)

        noop_before = noop_rate()
        print(f"No-op task, before: {noop_before:.1f} tasks/s", flush=True)

        started_wall = time.time()
        started = time.perf_counter()
        services.start_white_label_shipping(order=order)
        shipments = Shipment.objects.filter(order=order)
        while True:
            left = shipments.filter(notified_at__isnull=True).exclude(status="failed").count()
            if not left:
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        booked = shipments.filter(status="label_created").count()
        failed = shipments.filter(status="failed").count()
        events = ShipmentEvent.objects.filter(shipment__order=order, to_status="label_created")
        last_label = max(e.at.timestamp() for e in events) if events else started_wall
        preparing = ShipmentEvent.objects.filter(shipment__order=order, to_status="preparing")
        last_slip = max(e.at.timestamp() for e in preparing)
        slips = shipments.exclude(slip="").count()

        noop_after = noop_rate()
        noop = (noop_before + noop_after) / 2
        rate = booked / elapsed
        print(f"Shipments: {booked} booked, {failed} failed in {elapsed:.1f} s -> {rate:.1f} shipments/s", flush=True)
        slip_seconds = last_slip - started_wall
        print(f"Packing slips: {slips} in {slip_seconds:.1f} s -> {slips / slip_seconds:.1f} slips/s")
        print(f"Last label at {last_label - started_wall:.1f} s; courier bookings: {courier.booking_count}")
        print(f"No-op task, after: {noop_after:.1f} tasks/s; mean {noop:.1f} tasks/s")
        print(f"Ratio: a shipment (3 tasks, slip render, carrier call) costs {noop / rate:.1f} no-op tasks")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        courier.stop()

    shipment = Shipment.objects.filter(order=order).select_related("order__merchant", "consignee").first()
    from weasyprint import HTML

    from branding.selectors import active_brand_kit

    kit = active_brand_kit(merchant=merchant)
    html = documents.packing_slip_html(
        documents.slip_context(shipment=shipment, kit=kit, logo=documents.logo_bytes(kit)), language=merchant.language
    )
    services.render_packing_slip(shipment=shipment)  # warm fonts and caches
    HTML(string=html).write_pdf()
    ours = median_seconds(lambda: services.render_packing_slip(shipment=shipment), 20)
    bare = median_seconds(lambda: HTML(string=html).write_pdf(), 20)
    print(f"Packing slip render (kit, template, WeasyPrint with the safe fetcher, leak guard): {ours * 1000:.1f} ms")
    print(f"Bare WeasyPrint render of the same HTML: {bare * 1000:.1f} ms -> ratio {ours / bare:.2f}x")


if __name__ == "__main__":
    main()
