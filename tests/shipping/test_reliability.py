"""Reliability against a real Redis broker and real worker processes (each test on queues of its own):
a worker killed mid-booking, the same job run twice at once, and Redis stopped for a while."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta

import pytest
import redis
from django.db import transaction

from orders.models import Order
from orders.services.lifecycle import ORDER
from shipping import services
from shipping.models import Shipment
from shipping.tasks import book_shipment
from tests.concurrency import run_together
from tests.shipping.fake_courier import FakeCourier
from tests.shipping.helpers import brand_kit, white_label_order, with_consignees
from tests.shipping.workers import children_of, free_port, point_app_at, wait_until, worker_pool

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def slow_courier(settings):
    fake = FakeCourier(delay=5.0)
    settings.SHIPPING_CARRIER = "http"
    settings.SHIPPING_HTTP_CARRIER_URL = fake.start()
    settings.SHIPPING_HTTP_CARRIER_API_KEY = fake.api_key
    yield fake
    fake.stop()


def paid_order(consignees: int) -> Order:
    """A white-label order with consignees and a brand kit, paid but not yet shipping.

    Moved by the order machine itself, not `mark_paid`: the action's after-paid hooks would start the
    shipments here, in this process, before the test's workers are running."""
    order, owner = white_label_order(units=consignees)
    brand_kit(owner)
    with_consignees(order, owner, consignees)
    return ORDER.move(order, to=Order.Status.PAID, source="test")


def statuses(order: Order) -> list[str]:
    return list(Shipment.objects.filter(order=order).order_by("pk").values_list("status", flat=True))


def test_a_worker_killed_with_sigkill_mid_booking_is_redone_and_the_carrier_books_once(
    settings, slow_courier, tmp_path
):
    order = paid_order(1)
    pool = worker_pool(
        courier_url=settings.SHIPPING_HTTP_CARRIER_URL,
        api_key=slow_courier.api_key,
        media_root=settings.PRIVATE_MEDIA_ROOT,
        log_dir=tmp_path,
    )
    with pool as workers:
        settings.SHIPPING_QUEUE = workers.queue
        (worker,) = workers.start(1)
        services.start_white_label_shipping(order=order)
        shipment = Shipment.objects.get(order=order)
        assert slow_courier.booking_started.wait(120), workers.logs()
        (pool_process,) = wait_until(lambda: children_of(worker.pid), timeout=10)
        os.kill(pool_process, signal.SIGKILL)  # the booking is made, its answer not yet received
        slow_courier.delay = 0.2
        wait_until(lambda: statuses(order) == ["label_created"], timeout=120, why=workers.logs)
        assert worker.poll() is None, "the worker itself survives the loss of its pool process"
    key = str(shipment.idempotency_key)
    assert slow_courier.requests[key] == 2, "the booking job ran a second time"
    assert slow_courier.booking_count == 1, "and the courier holds one booking"
    shipment.refresh_from_db()
    assert shipment.tracking_number == slow_courier.bookings[key]["tracking_number"]
    assert [e.to_status for e in shipment.events.all()] == ["pending", "preparing", "label_created"]


def test_the_same_booking_job_twice_at_once_books_one_parcel(settings, slow_courier, tmp_path):
    slow_courier.delay = 2.0
    order = paid_order(1)
    pool = worker_pool(
        courier_url=settings.SHIPPING_HTTP_CARRIER_URL,
        api_key=slow_courier.api_key,
        media_root=settings.PRIVATE_MEDIA_ROOT,
        log_dir=tmp_path,
    )
    with pool as workers:
        settings.SHIPPING_QUEUE = workers.queue
        # Shipping starts with nobody listening yet: the slip is made here, the booking job waits in the queue.
        services.start_white_label_shipping(order=order)
        shipment = Shipment.objects.get(order=order)
        services.prepare_shipment(shipment_id=shipment.pk)
        book_shipment.apply_async(args=[shipment.pk], queue=workers.queue)  # the same job, a second time
        workers.start(2)  # two worker processes take one copy each
        wait_until(lambda: statuses(order) == ["label_created"], timeout=120, why=workers.logs)
        wait_until(lambda: not redis.Redis.from_url(settings.REDIS_URL).llen(workers.queue), timeout=30)
        time.sleep(3)  # let the second copy finish (it waits for the row lock, then finds the parcel booked)
    assert slow_courier.booking_count == 1
    assert sum(slow_courier.requests.values()) == 1, "the second copy never called the courier"
    assert [e.to_status for e in shipment.events.all()] == ["pending", "preparing", "label_created"]


def test_two_threads_booking_the_same_shipment_make_one_carrier_call(settings, slow_courier):
    slow_courier.delay = 1.0
    order = paid_order(1)
    settings.SHIPPING_QUEUE = "nobody-listens"
    from portal.celery import app

    app.conf.task_always_eager = False
    try:
        services.start_white_label_shipping(order=order)
        shipment = Shipment.objects.get(order=order)
        services.prepare_shipment(shipment_id=shipment.pk)
        outcomes = run_together(lambda _: services.book_shipment(shipment_id=shipment.pk), [1, 2])
    finally:
        app.conf.task_always_eager = True
        redis.Redis.from_url(settings.REDIS_URL).delete("nobody-listens")
    assert sorted(outcomes) == ["label_created", "label_created"]
    assert sum(slow_courier.requests.values()) == 1 and slow_courier.booking_count == 1


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of this test's own (never the shared one on 6379), so it can be stopped and restarted."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(tmp_path)]  # fmt: skip
    server = {"process": subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)}
    client = redis.Redis(port=port, socket_connect_timeout=1)

    def up() -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    def stop() -> None:
        server["process"].terminate()
        server["process"].wait(timeout=10)
        assert not up()

    def start() -> None:
        server["process"] = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(up, timeout=10)

    wait_until(up, timeout=10)
    yield {"url": f"redis://127.0.0.1:{port}/0", "stop": stop, "start": start}
    if server["process"].poll() is None:
        server["process"].terminate()
        server["process"].wait(timeout=10)


def test_stopping_redis_for_a_while_loses_no_shipment(settings, slow_courier, own_redis, tmp_path):
    slow_courier.delay = 0.3
    first, second = paid_order(12), paid_order(4)
    pool = worker_pool(
        courier_url=settings.SHIPPING_HTTP_CARRIER_URL,
        api_key=slow_courier.api_key,
        media_root=settings.PRIVATE_MEDIA_ROOT,
        log_dir=tmp_path,
        redis_url=own_redis["url"],
    )
    with pool as workers, point_app_at(own_redis["url"]):
        settings.SHIPPING_QUEUE = workers.queue
        workers.start(2)
        services.start_white_label_shipping(order=first)
        wait_until(lambda: "label_created" in statuses(first), timeout=120, why=workers.logs)

        own_redis["stop"]()  # queued and in-flight jobs are gone with it (no persistence)
        started = time.monotonic()
        services.start_white_label_shipping(order=second)  # a payment confirmed during the outage
        assert time.monotonic() - started < 30, "publishing gives up quickly instead of hanging the payer"
        assert statuses(second) == ["pending"] * 4, "the shipments exist even though their jobs were not sent"
        time.sleep(2)
        own_redis["start"]()

        def settled() -> bool:
            return all(s == "label_created" for s in statuses(first) + statuses(second))

        # The scheduled sweep (every few minutes in production) publishes again what stopped moving.
        wait_until(
            settled, timeout=180, interval=1.0, tick=lambda: services.requeue_stalled(older_than=timedelta(seconds=2))
        )
        wait_until(
            lambda: not Shipment.objects.filter(order__in=[first, second], notified_at__isnull=True).exists(),
            timeout=60,
            tick=lambda: services.requeue_stalled(older_than=timedelta(seconds=2)),
        )
    shipments = Shipment.objects.filter(order__in=[first, second])
    assert shipments.count() == 16
    assert slow_courier.booking_count == 16, "every consignee's parcel booked..."
    assert set(slow_courier.bookings) == {str(s.idempotency_key) for s in shipments}, "...once, under its own key"
    assert all(s.tracking_number for s in shipments)
    assert Order.objects.get(pk=first.pk).shipping_plan.merchant_notified_at is not None
    assert Order.objects.get(pk=second.pk).shipping_plan.merchant_notified_at is not None


def test_while_the_carrier_is_slow_to_book_the_shipment_row_is_not_locked(settings, slow_courier):
    """The booking job calls the carrier with no row lock held: staff (or any job) lock the same shipment at
    once, while the courier still sleeps on the booking."""
    slow_courier.delay = 5.0
    order = paid_order(1)
    settings.SHIPPING_QUEUE = "nobody-listens"
    from portal.celery import app

    app.conf.task_always_eager = False
    try:
        services.start_white_label_shipping(order=order)
        shipment = Shipment.objects.get(order=order)
        services.prepare_shipment(shipment_id=shipment.pk)

        def book_or_lock(which: str) -> float | str:
            if which == "book":
                return services.book_shipment(shipment_id=shipment.pk)
            assert slow_courier.booking_started.wait(30)
            started = time.monotonic()
            with transaction.atomic():
                services.lock_shipment(shipment.pk)
            return time.monotonic() - started

        outcomes = run_together(book_or_lock, ["book", "lock"])
    finally:
        app.conf.task_always_eager = True
        redis.Redis.from_url(settings.REDIS_URL).delete("nobody-listens")
    waited = next(outcome for outcome in outcomes if isinstance(outcome, float))
    assert waited < 1.0, f"the row lock waited {waited:.1f}s on the carrier"
    assert "label_created" in outcomes and slow_courier.booking_count == 1
