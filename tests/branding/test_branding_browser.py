"""In a real browser: a merchant files a packaging request with a logo, staff quote, the merchant accepts, staff
send proof v1, the merchant asks for changes, staff send v2, the merchant approves v2, and the brand kit shows
the approved logo. The designer works in the admin, signed in with a real TOTP code."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from branding.models import BrandingRequest
from portal.staff import create_staff_member
from tests.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
STAFF_PASSWORD = "a staff password 2026"


def png_file(name: str, colour: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), colour).save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_packaging_request_from_brief_to_approved_logo_in_the_brand_kit(live_server, browser):
    base = live_server.url
    owner = MembershipFactory(merchant__trade_name="Souk Select")
    EmailAddress.objects.create(user=owner.user, email=owner.user.email, verified=True, primary=True)
    create_staff_member(email="designer@store.test", roles=["designer"], password=STAFF_PASSWORD)
    device = TOTPDevice.objects.get(user__email="designer@store.test")

    # The merchant signs in and files a packaging request, with a logo, attaching its current logo.
    merchant = browser.new_context().new_page()
    merchant.goto(f"{base}/accounts/login/")
    merchant.fill("input[name=login]", owner.user.email)
    merchant.fill("input[name=password]", PASSWORD)
    with merchant.expect_navigation():
        merchant.click("main form button[type=submit]")
    merchant.goto(f"{base}/portal/branding/")
    merchant.click("text=New request")
    merchant.check("input[name=packaging]")
    merchant.check("input[name=logo]")
    merchant.fill("textarea[name=brief]", "Gift boxes for our argan oil, gold on deep green.")
    merchant.fill("input[name=colours]", "#0b5d3b, gold")
    merchant.set_input_files("input[name=reference_files]", png_file("our-logo.png", "#0b5d3b"))
    with merchant.expect_navigation():
        merchant.click("main form button[type=submit]")
    item = BrandingRequest.objects.get()
    assert item.reference in merchant.inner_text("h1")
    assert "our-logo.png" in merchant.inner_text("ul.files")

    # The designer signs in to the admin with a password and a TOTP code.
    staff = browser.new_context().new_page()
    staff.goto(f"{base}/admin/")
    staff.fill("input[name=username]", "designer@store.test")
    staff.fill("input[name=password]", STAFF_PASSWORD)
    with staff.expect_navigation():
        staff.click("input[type=submit]")
    staff.fill("input[name=code]", f"{TOTP(device.bin_key).token():06d}")
    with staff.expect_navigation():
        staff.click("input[type=submit]")
    staff.goto(f"{base}/admin/branding/brandingrequest/board/")
    with staff.expect_navigation():
        staff.click(f"text={item.reference}")
    change = staff.url

    def designer(action: str, fields: dict, files: dict | None = None) -> None:
        staff.goto(change)
        staff.click(f"text={action}")
        for name, value in fields.items():
            staff.fill(f"[name={name}]", value)
        if files:
            staff.set_input_files("input[name=file]", files)
        with staff.expect_navigation():
            staff.click("input[type=submit]")
        assert "errorlist" not in staff.content(), staff.inner_text("#content")

    def merchant_opens_the_request() -> None:
        merchant.goto(f"{base}/portal/branding/{item.reference}/")

    designer("Send a quote", {"price": "1500", "lead_days": "10", "rounds": "2"})
    merchant_opens_the_request()
    assert "1500.00 SAR, ready 10 days after you accept, 2 revision rounds included." in merchant.inner_text(".quote")
    with merchant.expect_navigation():
        merchant.click("button[value=accept]")
    assert "In design" in merchant.inner_text(".status-line")

    designer("Send a proof", {"notes": "First idea"}, png_file("proof-v1.png", "#000000"))
    merchant_opens_the_request()
    merchant.fill("textarea[name=note]", "Larger letters, please.")
    with merchant.expect_navigation():
        merchant.click("form.changes button[type=submit]")
    assert "Changes requested" in merchant.inner_text(".status-line")

    designer("Send a proof", {"notes": "Larger letters"}, png_file("proof-v2.png", "#c9a227"))
    merchant_opens_the_request()
    assert merchant.locator("li.proof").count() == 2  # v1 stays visible
    assert "Approve version 2" in merchant.inner_text("button.approve")
    with merchant.expect_navigation():
        merchant.click("button.approve")
    assert "Version 2 is approved." in merchant.inner_text(".messages")
    item.refresh_from_db()
    assert (item.status, item.approved_proof.version) == ("approved", 2)

    merchant.goto(f"{base}/portal/branding/kit/")
    kit_logo = merchant.locator(".kit-logo")
    assert "proof-v2-print.png" in kit_logo.inner_text()
    assert f"approved proof v2 of {item.reference}" in kit_logo.inner_text()
    with merchant.expect_download() as download:
        merchant.click(".kit-logo a")
    assert download.value.suggested_filename == "proof-v2-print.png"
    logo = Image.open(download.value.path())
    assert (logo.size, logo.getpixel((10, 10))) == ((900, 600), (201, 162, 39))
