"""In a real browser: a packaging request with a logo, a quote, two proofs, changes, approval of v2,
and the brand kit showing the approved logo. The designer works in the admin behind a real TOTP code."""

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


def png_file(name: str, colour: str) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(buffer, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_packaging_request_from_brief_to_approved_logo_in_the_brand_kit(live_server, browser):
    base = live_server.url
    owner = MembershipFactory(merchant__trade_name="Souk Select")
    EmailAddress.objects.create(user=owner.user, email=owner.user.email, verified=True, primary=True)
    create_staff_member(email="designer@store.test", roles=["designer"], password="a staff password 2026")
    device = TOTPDevice.objects.get(user__email="designer@store.test")

    merchant = browser.new_context().new_page()
    merchant.goto(f"{base}/accounts/login/")
    merchant.fill("input[name=login]", owner.user.email)
    merchant.fill("input[name=password]", PASSWORD)
    with merchant.expect_navigation():
        merchant.click("main form button[type=submit]")
    merchant.goto(f"{base}/portal/branding/new/")
    merchant.check("input[name=packaging]")
    merchant.check("input[name=logo]")
    merchant.fill("textarea[name=brief]", "Gift boxes for our argan oil, gold on deep green.")
    merchant.set_input_files("input[name=reference_files]", png_file("our-logo.png", "#0b5d3b"))
    with merchant.expect_navigation():
        merchant.click("main form button[type=submit]")
    item = BrandingRequest.objects.get()
    assert item.reference in merchant.inner_text("h1")

    staff = browser.new_context().new_page()
    staff.goto(f"{base}/admin/")
    staff.fill("input[name=username]", "designer@store.test")
    staff.fill("input[name=password]", "a staff password 2026")
    with staff.expect_navigation():
        staff.click("input[type=submit]")
    staff.fill("input[name=code]", f"{TOTP(device.bin_key).token():06d}")
    with staff.expect_navigation():
        staff.click("input[type=submit]")
    change = f"{base}/admin/branding/brandingrequest/{item.pk}/change/"

    def designer(action: str, fields: dict, files: dict | None = None) -> None:
        staff.goto(change)
        staff.click(f"text={action}")
        for name, value in fields.items():
            staff.fill(f"[name={name}]", value)
        if files:
            staff.set_input_files("input[name=file]", files)
        with staff.expect_navigation():
            staff.click("input[type=submit]")

    designer("Send a quote", {"price": "1500", "lead_days": "10", "rounds": "2"})
    merchant.goto(f"{base}/portal/branding/{item.reference}/")
    with merchant.expect_navigation():
        merchant.click("button[value=accept]")
    designer("Send a proof", {"notes": "First idea"}, png_file("proof-v1.png", "#000000"))
    merchant.goto(f"{base}/portal/branding/{item.reference}/")
    merchant.fill("textarea[name=note]", "Larger letters, please.")
    with merchant.expect_navigation():
        merchant.click("form.changes button[type=submit]")
    designer("Send a proof", {"notes": "Larger letters"}, png_file("proof-v2.png", "#c9a227"))
    merchant.goto(f"{base}/portal/branding/{item.reference}/")
    assert merchant.locator("li.proof").count() == 2
    with merchant.expect_navigation():
        merchant.click("button.approve")
    item.refresh_from_db()
    assert (item.status, item.approved_proof.version) == ("approved", 2)

    merchant.goto(f"{base}/portal/branding/kit/")
    kit_logo = merchant.locator(".kit-logo")
    assert "proof-v2.png" in kit_logo.inner_text()
    assert f"v2 of {item.reference}" in kit_logo.inner_text()
    with merchant.expect_download() as download:
        merchant.click(".kit-logo a")
    assert download.value.suggested_filename == "proof-v2.png"
