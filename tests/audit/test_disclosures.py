"""Every email through an outside email service is in the disclosure ledger, whoever composed it: our own
templates and allauth's verification, password-reset and email-changed notices alike."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from audit.models import Disclosure
from merchants.models import Membership
from portal.emails import send_templated_email
from tests.factories import MembershipFactory
from tests.merchants.factories import verified_user

pytestmark = pytest.mark.django_db

EMAIL = "ledger.member@example.test"


@pytest.fixture
def through_an_outside_service(settings):
    """The production wiring: the ledger backend in front of the real one (here, the test outbox)."""
    settings.EMAIL_BACKEND = "portal.mail.LedgerEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_SERVICE_NAME = "Amazon SES"


def member() -> Membership:
    return MembershipFactory(user=verified_user(EMAIL), role=Membership.Role.OWNER)


def test_allauths_password_reset_email_is_in_the_members_ledger(client, through_an_outside_service):
    membership = member()
    response = client.post(reverse("account_reset_password"), {"email": EMAIL})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    disclosure = Disclosure.objects.get()
    assert (disclosure.user, disclosure.merchant) == (membership.user, membership.merchant)
    assert (disclosure.recipient, disclosure.recipient_name) == ("email_service", "Amazon SES")
    assert disclosure.categories == ["name", "email"]
    assert disclosure.purpose.startswith("Email: ")
    assert EMAIL not in disclosure.purpose


def test_a_verification_email_to_a_members_new_address_is_in_their_ledger(rf, through_an_outside_service):
    membership = member()
    address = EmailAddress.objects.create(user=membership.user, email="Layla.New@Example.test", verified=False)
    request = rf.get("/accounts/email/")
    request.user = membership.user
    with context.request_context(request):
        address.send_confirmation(request)
    assert [m.to for m in mail.outbox] == [["Layla.New@Example.test"]]
    assert Disclosure.objects.get().user == membership.user


def test_our_templated_emails_are_recorded_once_under_their_template(through_an_outside_service):
    membership = member()
    send_templated_email(
        to=[EMAIL],
        template="privacy/email/erasure_outcome",
        context={"erasure": None, "kept": [], "completed": False},
        language="en",
    )
    assert len(mail.outbox) == 1
    disclosure = Disclosure.objects.get()
    assert disclosure.user == membership.user
    assert disclosure.purpose == "Email: erasure outcome"


def test_emails_to_people_who_are_not_members_are_sent_but_not_recorded_here(through_an_outside_service):
    member()
    message = EmailMultiAlternatives(subject="Your parcel", body="On its way", to=["Amina <amina@example.test>"])
    assert message.send() == 1
    assert len(mail.outbox) == 1
    assert not Disclosure.objects.exists()


def test_without_an_outside_service_nothing_is_recorded(client, settings, through_an_outside_service):
    settings.EMAIL_SERVICE_NAME = ""
    member()
    client.post(reverse("account_reset_password"), {"email": EMAIL})
    assert len(mail.outbox) == 1
    assert not Disclosure.objects.exists()
