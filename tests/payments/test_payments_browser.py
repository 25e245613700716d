"""In a real browser: a demo order paid by bank transfer (the merchant uploads a proof, finance reconciles in the
admin behind a real TOTP code), and another paid by Stripe's Payment Element against localstripe, confirmed by
the webhook localstripe signs and delivers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import requests
from allauth.account.models import EmailAddress
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from orders.models import Order
from payments.models import BankTransfer, Payment
from portal.staff import create_staff_member
from tests.factories import PASSWORD, MembershipFactory
from tests.payments.conftest import STRIPE_WEBHOOK_SECRET, place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png_file(name: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 200), "#ffffff").save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


def sign_in_member(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def sign_in_staff(page, base: str, email: str, password: str) -> None:
    device = TOTPDevice.objects.get(user__email=email)
    page.goto(f"{base}/admin/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.fill("input[name=code]", f"{TOTP(device.bin_key).token():06d}")
    with page.expect_navigation():
        page.click("input[type=submit]")


def saudi_order() -> Order:
    owner = MembershipFactory(merchant__country="SA", merchant__currency="SAR", merchant__trade_name="Souk Select")
    EmailAddress.objects.create(user=owner.user, email=owner.user.email, verified=True, primary=True)
    return place(membership=owner, subtotal_sar=Decimal("6000"))


def test_a_bank_transfer_with_a_proof_reconciled_by_finance(live_server, browser, bank_transfer_on):
    base = live_server.url
    order = saudi_order()
    create_staff_member(email="finance@store.test", roles=["finance"], password="a finance password 2026")

    merchant = browser.new_context().new_page()
    sign_in_member(merchant, base, order.placed_by.email)
    merchant.goto(f"{base}/portal/orders/{order.reference}/pay/")
    with merchant.expect_navigation():
        merchant.click("#method-bank_transfer button")
    transfer = BankTransfer.objects.get(order=order)
    assert transfer.reference in merchant.inner_text(".transfer-details")
    assert bank_transfer_on in merchant.inner_text(".iban")
    merchant.set_input_files("input[name=file]", png_file("bank-receipt.png"))
    with merchant.expect_navigation():
        merchant.click("form.proof-form button[type=submit]")
    assert "your proof has been sent" in merchant.inner_text(".messages")
    assert "bank-receipt.png" in merchant.inner_text(".proofs")

    staff = browser.new_context().new_page()
    sign_in_staff(staff, base, "finance@store.test", "a finance password 2026")
    staff.goto(f"{base}/admin/payments/banktransfer/?todo=reconcile")
    with staff.expect_navigation():
        staff.click(f"text={transfer.reference}")
    with staff.expect_navigation():
        staff.click("text=Reconcile")
    staff.check("input[name=outcome][value=full]")
    staff.fill("input[name=bank_reference]", "SNB-20261125-0042")
    staff.fill("textarea[name=note]", "Credit seen on today's statement")
    with staff.expect_navigation():
        staff.click("input[type=submit]")
    assert "The transfer has been reconciled" in staff.inner_text("body")

    merchant.goto(f"{base}/portal/orders/{order.reference}/pay/")
    assert merchant.inner_text(".payment-state") == "Paid"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert Payment.objects.get(order=order).confirmed_by.email == "finance@store.test"


@pytest.fixture
def localstripe_webhook(stripe_on, live_server):
    """localstripe delivers its signed events to the live server while the test runs."""
    url = f"{stripe_on}/_config/webhooks/portal"
    requests.post(
        url, json={"url": f"{live_server.url}/payments/webhooks/stripe/", "secret": STRIPE_WEBHOOK_SECRET}, timeout=5
    ).raise_for_status()
    yield
    requests.post(  # silenced again: later tests' payments are not delivered anywhere
        url, json={"url": f"{live_server.url}/", "secret": STRIPE_WEBHOOK_SECRET, "events": ["none"]}, timeout=5
    ).raise_for_status()


def test_a_card_payment_in_the_payment_element_confirmed_by_localstripes_webhook(
    live_server, browser, stripe_on, localstripe_webhook
):
    base = live_server.url
    order = saudi_order()
    merchant = browser.new_context().new_page()
    sign_in_member(merchant, base, order.placed_by.email)
    merchant.goto(f"{base}/portal/orders/{order.reference}/pay/")
    with merchant.expect_navigation():
        merchant.click("#method-stripe button")
    merchant.wait_for_selector("#payment-element input[placeholder=number]")
    for field, value in (("number", "4242424242424242"), ("exp_month", "12"), ("exp_year", "30"), ("cvc", "123"),
                         ("postal_code", "12611")):  # fmt: skip
        merchant.fill(f"#payment-element input[placeholder={field}]", value)
    with merchant.expect_navigation():
        merchant.click("#pay-button")
    assert "/return/" in merchant.url and "redirect_status=succeeded" in merchant.url
    merchant.wait_for_selector(".payment-confirmed", timeout=20_000)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    payment = Payment.objects.get(order=order)
    assert payment.provider == "stripe" and payment.amount == order.total
