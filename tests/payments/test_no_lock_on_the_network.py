"""No row lock is held while we wait on a provider: a webhook job stuck on a slow provider never holds up the
same merchant placing an order (PostgreSQL, real threads)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest

from orders.models import Order
from payments.models import Payment, PaymentAttempt, ProviderEvent
from payments.services import process_event, start_payment
from tests.factories import MembershipFactory
from tests.payments.conftest import MOYASAR_SECRET_KEY, MOYASAR_WEBHOOK_SECRET, place
from tests.payments.fakes.moyasar import FakeMoyasar
from tests.payments.fakes.server import Request, Response

pytestmark = [pytest.mark.services(needs=("postgres",)), pytest.mark.django_db(transaction=True)]

SLOW_SECONDS = 5.0


class SlowMoyasar(FakeMoyasar):
    """The gateway's fake, answering the invoice read only after `delay` seconds once `delay` is set."""

    def __init__(self, secret_key: str) -> None:
        self.delay = 0.0
        self.reading = threading.Event()
        super().__init__(secret_key)
        self.routes = [(m, p, self._slow(h) if h == self.fetch_invoice else h) for m, p, h in self.routes]

    def _slow(self, handler):
        def answer(request: Request) -> Response:
            if self.delay:
                self.reading.set()
                time.sleep(self.delay)
            return handler(request)

        return answer


@pytest.fixture
def slow_gateway(settings):
    fake = SlowMoyasar(MOYASAR_SECRET_KEY).start()
    settings.MOYASAR_API_BASE = fake.base
    settings.MOYASAR_SECRET_KEY = MOYASAR_SECRET_KEY
    settings.MOYASAR_WEBHOOK_SECRET = MOYASAR_WEBHOOK_SECRET
    settings.PAYMENT_PROVIDER_TIMEOUT = SLOW_SECONDS * 3
    yield fake
    fake.stop()


def test_a_webhook_waiting_on_a_slow_provider_does_not_hold_up_the_merchant_placing_an_order(slow_gateway):
    membership = MembershipFactory(merchant__country="SA", merchant__currency="SAR")
    order = place(membership=membership, subtotal_sar=Decimal("6000"))
    attempt = start_payment(order=order, provider="moyasar", by=order.placed_by, base_url="http://testserver/")
    slow_gateway.pay_invoice(attempt.provider_reference)
    event = ProviderEvent.objects.create(
        provider="moyasar", event_id="evt-slow-1", type="payment_paid", object_id=attempt.provider_reference
    )
    slow_gateway.delay = SLOW_SECONDS
    outcome: list[str] = []

    def webhook_job() -> None:
        try:
            outcome.append(process_event(event_id=event.pk))
        finally:
            from django.db import connection

            connection.close()

    job = threading.Thread(target=webhook_job)
    started = time.monotonic()
    job.start()
    assert slow_gateway.reading.wait(timeout=5), "the job is reading the provider"

    placed_at = time.monotonic()
    second = place(membership=membership, subtotal_sar=Decimal("6000"))  # first still unpaid
    placing_took = time.monotonic() - placed_at
    job.join(timeout=SLOW_SECONDS * 4)

    assert placing_took < 1.5, f"placing an order waited {placing_took:.1f} s on the webhook job's locks"
    assert second.status == Order.Status.AWAITING_PAYMENT
    assert time.monotonic() - started >= SLOW_SECONDS, "the job did wait on the provider"
    assert outcome == [ProviderEvent.Outcome.APPLIED]
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Payment.objects.filter(attempt=attempt).count() == 1
    assert PaymentAttempt.objects.get(pk=attempt.pk).status == PaymentAttempt.Status.SUCCEEDED
    event.refresh_from_db()
    assert event.processed_at is not None
