"""The public home page in a real browser, and the admin for a verified staff member."""

import pytest

from tests.conftest import CHROMIUM


@pytest.mark.django_db
def test_verified_staff_reaches_the_admin_index(staff_client):
    client = staff_client("reviewer")
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response.context["user"].is_verified()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_page_switches_to_arabic_right_to_left(live_server, page):
    assert CHROMIUM
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.select_option("#language-select", "ar")
    page.click(".language-switcher button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
