"""The privacy centre: access, corrections, consents, exports, the disclosure ledger and erasure requests."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.disclosures import record_disclosure
from audit.models import Disclosure, SecurityEvent
from merchants.models import Membership
from privacy.models import ConsentChange, DataExport, ErasureRequest
from privacy.services import consents
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["privacy:centre", "privacy:profile", "privacy:disclosures", "privacy:erasure"]


def signed_in(role=Membership.Role.OWNER, **user_fields) -> Client:
    membership = MembershipFactory(role=role, **({"user": UserFactory(**user_fields)} if user_fields else {}))
    client = Client()
    client.force_login(membership.user)
    client.user, client.merchant = membership.user, membership.merchant
    return client


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", PAGES)
def test_a_signed_in_person_without_a_company_is_refused(client, name):
    client.force_login(UserFactory())
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("role", Membership.Role.values)
@pytest.mark.parametrize("name", PAGES)
def test_every_member_whatever_their_role_has_a_privacy_centre(name, role):
    assert signed_in(role).get(reverse(name)).status_code == 200


def test_the_centre_shows_what_we_hold_about_the_person_and_the_company():
    member = signed_in(full_name="Youssef Amrani")
    page = member.get(reverse("privacy:centre")).content.decode()
    assert "Youssef Amrani" in page and member.user.email in page
    assert member.merchant.legal_name in page
    assert member.merchant.code in page


def test_name_and_language_are_corrected_without_re_authentication():
    member = signed_in(full_name="Yousef Amrni")
    response = member.post(reverse("privacy:profile"), {"full_name": "Youssef Amrani", "language": "ar"})
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert (member.user.full_name, member.user.language) == ("Youssef Amrani", "ar")


def test_changing_the_sign_in_email_asks_for_the_password_first_then_confirms_the_new_address():
    member = signed_in()
    EmailAddress.objects.create(user=member.user, email=member.user.email, verified=True, primary=True)
    old_address = member.user.email
    response = member.post(reverse("privacy:email"), {"email": "new.address@example.test"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not EmailAddress.objects.filter(email="new.address@example.test").exists()

    response = member.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert EmailAddress.objects.filter(email="new.address@example.test", verified=False).exists()
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    member.post(link.removeprefix("http://testserver"))
    member.user.refresh_from_db()
    assert member.user.email == "new.address@example.test"
    assert list(EmailAddress.objects.filter(user=member.user).values_list("email", flat=True)) == [
        "new.address@example.test"
    ]
    assert SecurityEvent.objects.filter(kind="sensitive_change", details__stage="confirmed").exists()
    notice = mail.outbox[-1]
    assert notice.to == [old_address]
    assert "new.address@example.test" in notice.body


def test_consents_are_off_by_default_and_each_change_is_recorded_with_time_and_source():
    member = signed_in()
    assert consents.current_consents(user=member.user) == {"marketing_email": False, "surveys": False}
    member.post(reverse("privacy:consents"), {"marketing_email": "on"})
    member.post(reverse("privacy:consents"), {"marketing_email": "on"})  # nothing changed: nothing recorded
    member.post(reverse("privacy:consents"), {})
    changes = list(ConsentChange.objects.filter(user=member.user).order_by("at", "pk"))
    assert [(c.purpose, c.granted, c.source) for c in changes] == [
        ("marketing_email", True, "privacy_centre"),
        ("marketing_email", False, "privacy_centre"),
    ]
    assert all(c.at for c in changes)
    assert consents.consenting_users(purpose="marketing_email") == []


def test_one_export_at_a_time():
    member = signed_in()
    DataExport.objects.create(user=member.user)
    member.post(reverse("privacy:export_request"))
    assert DataExport.objects.filter(user=member.user).count() == 1


def test_an_export_link_expires_and_works_only_for_its_own_member(django_capture_on_commit_callbacks):
    member = signed_in()
    with django_capture_on_commit_callbacks(execute=True):
        member.post(reverse("privacy:export_request"))
    path = re.search(r"/privacy/exports/\S+/", mail.outbox[-1].body).group(0)
    assert signed_in().get(path).status_code == 404
    assert member.get(path.replace("/exports/", "/exports/x")).status_code == 404
    later = timezone.now() + timedelta(hours=settings.PRIVACY_EXPORT_LINK_HOURS + 1)
    with time_machine.travel(later):
        member.force_login(member.user)
        assert member.get(path).status_code == 410
    assert member.get(path).status_code == 200


def test_the_disclosure_ledger_shows_the_member_and_company_records_only(django_assert_num_queries):
    member = signed_in()
    record_disclosure(
        recipient="carrier",
        recipient_name="Aramex",
        categories=["name", "address"],
        purpose="Delivery",
        merchant=member.merchant,
    )
    record_disclosure(
        recipient="email_service",
        recipient_name="Mailer",
        categories=["email"],
        purpose="Order emails",
        user=member.user,
    )
    other = signed_in()
    record_disclosure(
        recipient="carrier", recipient_name="SecretCarrier", categories=["name"], purpose="x", merchant=other.merchant
    )
    page = member.get(reverse("privacy:disclosures")).content.decode()
    assert "Aramex" in page and "Mailer" in page and "SecretCarrier" not in page


def test_the_disclosure_ledger_runs_the_same_queries_for_5_and_100_records(django_assert_num_queries):
    member = signed_in()

    def fill(count):
        Disclosure.objects.bulk_create(
            Disclosure(
                merchant=member.merchant,
                recipient="carrier",
                recipient_name="Aramex",
                categories=["address"],
                purpose="Delivery",
            )
            for _ in range(count)
        )

    fill(5)
    member.get(reverse("privacy:disclosures"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        member.get(reverse("privacy:disclosures"))
    fill(95)
    with CaptureQueriesContext(connection) as many:
        page = member.get(reverse("privacy:disclosures"))
    assert len(many) == len(few)
    assert "Page 1 of 4" in page.content.decode()


def test_a_member_asks_for_erasure_once_and_can_withdraw_it():
    member = signed_in()
    member.post(reverse("privacy:erasure"), {"confirm": "on"})
    member.post(reverse("privacy:erasure"), {"confirm": "on"})
    assert ErasureRequest.objects.filter(user=member.user).count() == 1
    member.post(reverse("privacy:erasure_cancel"))
    assert ErasureRequest.objects.get(user=member.user).status == ErasureRequest.Status.CANCELLED
    assert member.post(reverse("privacy:erasure_cancel")).status_code == 404


def test_erasure_needs_the_confirmation_box():
    member = signed_in()
    response = member.post(reverse("privacy:erasure"), {"reason": "bye"})
    assert response.status_code == 200
    assert not ErasureRequest.objects.exists()


def test_a_refused_erasure_tells_the_member_why(staff_client, django_capture_on_commit_callbacks):
    member = signed_in()
    member.post(reverse("privacy:erasure"), {"confirm": "on"})
    erasure = ErasureRequest.objects.get()
    security = staff_client("security")
    assert (
        security.post(reverse("admin:privacy_erasurerequest_reject", args=[erasure.pk]), {"note": ""}).status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        security.post(
            reverse("admin:privacy_erasurerequest_reject", args=[erasure.pk]), {"note": "An order is unpaid."}
        )
    erasure.refresh_from_db()
    assert erasure.status == "rejected" and erasure.decision_note == "An order is unpaid."
    assert "An order is unpaid." in mail.outbox[-1].body
    member.user.refresh_from_db()
    assert member.user.is_active


def test_only_the_security_role_decides_erasure(staff_client):
    member = signed_in()
    member.post(reverse("privacy:erasure"), {"confirm": "on"})
    erasure = ErasureRequest.objects.get()
    reviewer = staff_client("reviewer")
    assert reviewer.post(reverse("admin:privacy_erasurerequest_approve", args=[erasure.pk]), {}).status_code == 403
    assert ErasureRequest.objects.get().status == "requested"


def test_emails_through_an_outside_service_are_in_the_ledger(settings, django_capture_on_commit_callbacks):
    member = signed_in()
    with django_capture_on_commit_callbacks(execute=True):
        member.post(reverse("privacy:export_request"))
    assert not Disclosure.objects.exists(), "the test email backend is no third party"
    settings.EMAIL_BACKEND = "portal.mail.LedgerEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_SERVICE_NAME = "Amazon SES"
    with django_capture_on_commit_callbacks(execute=True):
        DataExport.objects.update(status=DataExport.Status.EXPIRED)
        member.post(reverse("privacy:export_request"))
    disclosure = Disclosure.objects.get()
    assert (disclosure.user, disclosure.merchant, disclosure.recipient_name) == (
        member.user,
        member.merchant,
        "Amazon SES",
    )
    assert disclosure.categories == ["name", "email"]
    assert "Amazon SES" in member.get(reverse("privacy:disclosures")).content.decode()


def test_the_centre_tells_of_the_companys_consignees_without_showing_their_details():
    from tests.shipping.helpers import white_label_order, with_consignees

    member = signed_in()
    order, owner = white_label_order(units=1, owner=Membership.objects.get(user=member.user))
    with_consignees(order, owner, 1)
    page = member.get(reverse("privacy:centre")).content.decode()
    assert "Consignees" in page
    assert "Amina Haddad" not in page and "+966551234567" not in page and "12 Olaya Street" not in page


def test_the_centre_runs_the_same_queries_for_2_or_15_records_that_name_an_order():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.payments.conftest import place

    member = signed_in()
    membership = Membership.objects.get(user=member.user)

    def fill(count):
        for _ in range(count):
            order = place(membership=membership)
            Disclosure.objects.create(
                user=member.user, order=order, recipient="carrier", recipient_name="Aramex",
                categories=["address"], purpose="Delivery",
            )  # fmt: skip

    fill(2)
    member.get(reverse("privacy:centre"))
    with CaptureQueriesContext(connection) as few:
        member.get(reverse("privacy:centre"))
    fill(13)
    with CaptureQueriesContext(connection) as many:
        member.get(reverse("privacy:centre"))
    assert len(many) == len(few)
