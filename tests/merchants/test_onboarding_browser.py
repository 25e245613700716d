"""In a real browser: sign up, verify the email, apply, answer staff's question, get approved by a
reviewer who signs in to the admin with a real TOTP code, invite a colleague, and both see the company."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.staff import create_staff_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long merchant password 2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def last_link(to: str, pattern: str) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    return re.search(pattern, message.body).group(0)


def last_subject(to: str) -> str:
    return next(m for m in reversed(mail.outbox) if to in m.to).subject


def sign_up_and_verify(page, base: str, email: str, *, already_there: bool = False) -> None:
    """allauth's sign-up, then the link of the verification email."""
    if not already_there:
        page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(last_link(email, r"http://\S+/accounts/confirm-email/\S+"))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def in_language(browser, base: str, language: str):
    context = browser.new_context(locale=language)
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_newcomer_is_onboarded_and_invites_a_colleague(live_server, browser, settings, language):
    settings.SITE_URL = live_server.url
    base = live_server.url
    applicant = in_language(browser, base, language)
    sign_up_and_verify(applicant, base, "founder@souk.test")
    assert applicant.locator("html").get_attribute("lang") == language
    assert applicant.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert applicant.locator('main a[href="/apply/"]').count() == 1  # no portal yet: apply

    applicant.goto(f"{base}/apply/")
    applicant.fill("#id_legal_name", "Souk Select Trading LLC")
    applicant.fill("#id_trade_name", "Souk Select")
    applicant.select_option("#id_country", "SA")
    applicant.fill("#id_registration_number", "1010555555")
    applicant.fill("#id_vat_number", "311111111111113")
    applicant.fill("#id_address", "Tahlia Street 3, Jeddah")
    applicant.fill("#id_contact_name", "Layla Hassan")
    applicant.fill("#id_contact_phone", "+966 55 123 4567")
    applicant.set_input_files("#id_file", {"name": "cr.pdf", "mimeType": "application/pdf", "buffer": PDF})
    applicant.click("button[name=submit]")
    applicant.wait_for_load_state()
    assert applicant.locator(".status-submitted").count() == 1

    create_staff_member(email="reviewer@store.test", roles=["reviewer"], password="a staff password 2026")
    device = TOTPDevice.objects.get(user__email="reviewer@store.test")
    staff = browser.new_context(locale="en-US").new_page()
    staff.goto(f"{base}/admin/")
    staff.fill("input[name=username]", "reviewer@store.test")
    staff.fill("input[name=password]", "a staff password 2026")
    staff.click("input[type=submit]")
    staff.fill("input[name=code]", f"{TOTP(device.bin_key).token():06d}")
    staff.click("input[type=submit]")
    staff.wait_for_load_state()
    staff.goto(f"{base}/admin/merchants/application/")
    staff.click("#result_list tbody tr:has-text('Souk Select Trading LLC') th a")
    staff.click("text=Ask for more information")
    staff.fill("textarea[name=text]", "Please confirm your warehouse address.")
    staff.click("input[type=submit]")
    staff.wait_for_load_state()

    applicant.goto(f"{base}/portal/")
    applicant.click('main a.button[href="/apply/"]')
    assert "Please confirm your warehouse address." in applicant.content()
    applicant.fill("textarea[name=answer]", "Industrial area, Jeddah.")
    applicant.click("main form button[type=submit]")
    applicant.wait_for_load_state()
    assert applicant.locator(".status-submitted").count() == 1

    staff.goto(f"{base}/admin/merchants/application/")
    staff.click("#result_list tbody tr:has-text('Souk Select Trading LLC') th a")
    staff.click(".object-tools a:has-text('Approve')")
    staff.fill("textarea[name=text]", "Registration checked.")
    staff.click("input[type=submit]")
    staff.wait_for_load_state()
    assert "Approved: merchant M-" in staff.content()
    with translation.override(language):
        assert last_subject("founder@souk.test") == gettext("Your wholesale account is open")

    applicant.goto(f"{base}/portal/")
    assert "Souk Select" in applicant.locator("h1").inner_text()
    applicant.goto(f"{base}/portal/members/")
    applicant.fill("input[name=email]", "partner@souk.test")
    applicant.select_option("select[name=role]", "buyer")
    applicant.click("main form:has(input[name=email]) button[type=submit]")
    applicant.wait_for_load_state()
    invitation = last_link("partner@souk.test", r"http://\S+/portal/invitations/\S+/")

    colleague_language = "ar" if language != "ar" else "fr"
    colleague = in_language(browser, base, colleague_language)
    colleague.goto(invitation)  # not signed up yet: the sign-in page, whose sign-up link keeps the way back
    colleague.click('main a[href^="/accounts/signup/?next="]')
    sign_up_and_verify(colleague, base, "partner@souk.test", already_there=True)
    assert get_user_model().objects.get(email="partner@souk.test").language == colleague_language
    assert "Souk Select" in colleague.locator("main").inner_text()  # back on the invitation, which names the company
    colleague.click("main form button[type=submit]")
    colleague.wait_for_load_state()
    assert "Souk Select" in colleague.locator("h1").inner_text()
    colleague.select_option("#language-select", language)
    colleague.click(".language-switcher button")
    colleague.wait_for_load_state()
    assert colleague.locator("html").get_attribute("lang") == language
    assert "Souk Select" in colleague.locator("h1").inner_text()
    applicant.goto(f"{base}/portal/members/")
    assert "partner@souk.test" in applicant.content()
