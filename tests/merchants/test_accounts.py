"""Merchant accounts (django-allauth): verified email, password reset, email change, sessions, throttling."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse

from merchants.models import Application
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.merchants.factories import verified_user as make_verified_user

pytestmark = pytest.mark.django_db(transaction=True)


def verified_user(email="member@example.test", **fields):
    return make_verified_user(email, **fields)


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_up_requires_a_verified_email_before_anything_else(client):
    client.post(reverse("account_signup"), {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("merchants:apply")).status_code == 302  # to login: not signed in yet
    link = re.search(r"http://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    client.post(urlsplit(link).path)
    assert client.get(reverse("merchants:apply")).status_code == 200


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_new_account_keeps_the_language_it_was_opened_in(client, settings, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.post(reverse("account_signup"), {"email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD})
    assert get_user_model().objects.get(email="new@example.test").language == language


def test_a_signed_in_person_without_a_verified_email_is_asked_to_verify_before_applying(client):
    user = UserFactory(email="unverified@example.test")  # signed in some other way, address never confirmed
    client.force_login(user)
    response = client.get(reverse("merchants:apply"))
    assert response.status_code == 200
    assert "Verify Your Email Address" in response.content.decode()
    assert 'name="legal_name"' not in response.content.decode()
    assert mail.outbox[-1].to == ["unverified@example.test"]
    client.post(reverse("merchants:apply"), {"legal_name": "Sneaky LLC", "save": "1"})
    assert not Application.objects.exists()


def test_login_rotates_the_session_and_logout_kills_it(client):
    verified_user()
    client.get(reverse("account_login"))
    before = client.cookies.get("sessionid").value if client.cookies.get("sessionid") else None
    assert login(client, "member@example.test").status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=after).exists()
    assert client.get(reverse("merchants:apply")).status_code == 302


def test_login_is_throttled_after_repeated_failures(client):
    verified_user()
    for _ in range(5):
        login(client, "member@example.test", "wrong password")
    response = login(client, "member@example.test")
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(client):
    verified_user()
    client.post(reverse("account_reset_password"), {"email": "member@example.test"})
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    form_url = client.get(urlsplit(link).path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": "a brand new passphrase", "password2": "a brand new passphrase"})
    client.logout()
    assert login(client, "member@example.test", "a brand new passphrase").status_code == 302


def test_changing_the_email_needs_reauthentication_and_notifies_the_old_address(client):
    user = verified_user()
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new-address@example.test"})
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    client.post(response["Location"], {"password": PASSWORD})
    client.post(reverse("account_email"), {"action_add": "", "email": "new-address@example.test"})
    confirm = re.search(r"http://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    client.post(urlsplit(confirm).path)
    client.post(reverse("account_email"), {"action_primary": "", "email": "new-address@example.test"})
    user.refresh_from_db()
    assert user.email == "new-address@example.test"
    assert any("member@example.test" in m.to for m in mail.outbox[-3:])


@pytest.mark.parametrize(
    ("language", "direction", "title"),
    [
        ("en", "ltr", "Apply for a wholesale account"),
        ("fr", "ltr", "Demander un compte de gros"),
        ("ar", "rtl", "طلب فتح حساب جملة"),
    ],
)
def test_the_application_page_speaks_each_language(client, settings, language, direction, title):
    client.force_login(verified_user())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("merchants:apply")).content.decode()
    assert f'dir="{direction}"' in page
    assert title in page


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("fr", "ltr"), ("ar", "rtl")])
def test_the_portal_pages_speak_each_language(client, settings, language, direction):
    owner = MembershipFactory(user=verified_user())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(owner.user)
    titles = {"en": "Members", "fr": "Membres", "ar": "الأعضاء"}
    for name in ("merchants:home", "merchants:members", "merchants:settings"):
        page = client.get(reverse(name)).content.decode()
        assert f'<html lang="{language}" dir="{direction}">' in page, name
    assert f"<h1>{titles[language]}</h1>" in client.get(reverse("merchants:members")).content.decode()
