"""Applying for an account: draft, documents checked by content, submission, questions, decisions."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from audit.models import StaffAccess
from merchants import services
from merchants.models import Application, ApplicationEvent, Membership, Merchant
from portal import state
from tests.factories import MerchantFactory, UserFactory
from tests.merchants.factories import ApplicationFactory, SubmittedApplicationFactory, verified_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORM = {
    "legal_name": "Atlas Trading LLC",
    "trade_name": "Atlas",
    "country": "SA",
    "registration_number": "1010999999",
    "vat_number": "300 000 000 000 003",
    "address": "Olaya Street 5, Riyadh",
    "contact_name": "Omar Haddad",
    "contact_phone": "+966 50 123 4567",
    "website": "https://atlas.example",
    "product_interests": "argan oil",
    "expected_monthly_volume": "10k_50k",
    "language": "en",
}


def pdf(name="cr.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_applicant_saves_a_draft_then_submits_with_a_document(client, django_capture_on_commit_callbacks):
    user = verified_user()
    client.force_login(user)
    response = client.post(reverse("merchants:apply"), {**FORM, "save": "1"})
    assert response.status_code == 302
    application = Application.objects.get(applicant=user)
    assert application.status == Application.Status.DRAFT
    assert application.vat_number == "300000000000003"
    assert application.contact_phone == "+966501234567"

    refused = client.post(reverse("merchants:apply"), {**FORM, "submit": "1"}, follow=True)
    assert "Add at least one supporting document" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("merchants:apply"), {**FORM, "submit": "1", "file": pdf()})
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.documents.count() == 1
    assert application.events.get().action == ApplicationEvent.Action.SUBMITTED
    assert mail.outbox[-1].to == [user.email]


@pytest.mark.parametrize(
    ("country", "vat", "ok"),
    [
        ("SA", "300000000000003", True),
        ("SA", "300000000000004", False),
        ("SA", "30000000000003", False),
        ("SA", "200000000000003", False),
        ("FR", "FR40123456824", True),
        ("FR", "40123456824", False),
        ("MA", "anything-goes", True),
    ],
)
def test_vat_number_is_checked_by_country_where_a_rule_is_known(client, country, vat, ok):
    client.force_login(verified_user())
    response = client.post(reverse("merchants:apply"), {**FORM, "country": country, "vat_number": vat, "save": "1"})
    assert (response.status_code == 302) is ok


def test_phone_must_be_international(client):
    client.force_login(verified_user())
    response = client.post(reverse("merchants:apply"), {**FORM, "contact_phone": "0501234567", "save": "1"})
    assert response.status_code == 200
    assert "international format" in response.content.decode()


def test_a_document_that_is_html_named_pdf_is_refused_and_nothing_is_lost(client):
    user = verified_user()
    client.force_login(user)
    fake = SimpleUploadedFile("cr.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(reverse("merchants:apply"), {**FORM, "save": "1", "file": fake})
    assert response.status_code == 200
    assert "not an accepted type" in response.content.decode()
    application = Application.objects.get(applicant=user)  # the form's data was kept
    assert application.legal_name == FORM["legal_name"]
    assert application.documents.count() == 0


def test_personal_fields_are_ciphertext_in_the_raw_row():
    application = ApplicationFactory(
        contact_name="Sara Al-Otaibi", contact_phone="+966501234567", address="King Fahd Road 12, Riyadh"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_name, contact_phone, address FROM merchants_application WHERE id = %s", [application.pk]
        )
        row = cursor.fetchone()
    for raw, clear in zip(row, ["Sara Al-Otaibi", "+966501234567", "King Fahd Road 12"], strict=True):
        assert clear not in raw
        assert raw.startswith("gAAAA")  # a Fernet token
    application.refresh_from_db()
    assert application.contact_name == "Sara Al-Otaibi"


def test_question_answer_and_approval_create_one_merchant_with_its_owner(django_capture_on_commit_callbacks):
    reviewer = UserFactory(is_staff=True)
    application = SubmittedApplicationFactory(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_for_information(application_id=application.pk, reviewer=reviewer, question="Extrait K-bis ?")
    application.refresh_from_db()
    assert application.status == Application.Status.NEEDS_INFO
    assert mail.outbox[-1].subject == "Une question sur votre demande"
    services.answer_question(application=application, by=application.applicant, answer="Ci-joint.")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        merchant = services.approve_application(application_id=application.pk, reviewer=reviewer, ip="10.0.0.9")
    assert merchant.code.startswith("M-")
    assert merchant.currency == "SAR"
    assert merchant.language == "fr"
    assert Membership.objects.get(merchant=merchant).user == application.applicant
    assert Membership.objects.get(merchant=merchant).role == Membership.Role.OWNER
    approved = application.events.get(action=ApplicationEvent.Action.APPROVED)
    assert approved.by == reviewer
    assert approved.ip_address == "10.0.0.9"
    email = mail.outbox[-1]
    assert email.subject == "Votre compte de gros est ouvert"
    assert email.alternatives[0][1] == "text/html"
    with pytest.raises(services.IllegalTransition):
        services.approve_application(application_id=application.pk, reviewer=reviewer)


def test_rejection_sends_the_reason_in_arabic(django_capture_on_commit_callbacks):
    application = SubmittedApplicationFactory(language="ar")
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_application(application_id=application.pk, reviewer=UserFactory(), reason="السجل منتهي")
    email = mail.outbox[-1]
    assert "السجل منتهي" in email.body
    assert 'dir="rtl"' in email.alternatives[0][0]


def test_a_reviewer_cannot_decide_their_own_application():
    application = SubmittedApplicationFactory()
    with pytest.raises(services.OwnApplication):
        services.approve_application(application_id=application.pk, reviewer=application.applicant)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [(a, b, b in services.TRANSITIONS[a]) for a in Application.Status.values for b in Application.Status.values],
)
def test_every_pair_of_states_follows_the_transition_table(start, to, allowed):
    application = ApplicationFactory(status=start)
    reviewer = UserFactory()
    if allowed:
        services.APPLICATION.move(application.pk, to=to, by=reviewer, note="why", ip="203.0.113.5")
        application.refresh_from_db()
        assert application.status == to
        event = application.events.get()
        assert (event.by, event.note, event.ip_address) == (reviewer, "why", "203.0.113.5")
    else:
        with pytest.raises(services.IllegalTransition) as refused:
            services.APPLICATION.move(application.pk, to=to, by=reviewer)
        assert refused.value.code == "illegal_transition"
        assert isinstance(refused.value, state.IllegalTransition)
        application.refresh_from_db()
        assert application.status == start
        assert not application.events.exists()


def test_the_database_refuses_an_application_or_merchant_status_it_does_not_know():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(status="lost")
    merchant = MerchantFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Merchant.objects.filter(pk=merchant.pk).update(status="closed")


def test_status_page_shows_the_question_and_takes_the_answer(client):
    application = SubmittedApplicationFactory(status=Application.Status.NEEDS_INFO, question="Your CR expiry date?")
    client.force_login(application.applicant)
    page = client.get(reverse("merchants:apply"))
    assert "Your CR expiry date?" in page.content.decode()
    client.post(reverse("merchants:apply"), {"answer": "December 2027"})
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.answer == "December 2027"


def test_documents_open_for_the_applicant_and_reviewers_only(client, staff_client):
    application = ApplicationFactory()
    document = services.add_document(application=application, upload=pdf())
    url = reverse("merchants:document", args=[document.pk])
    client.force_login(application.applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert staff_client("designer").get(url).status_code == 404
    assert not StaffAccess.objects.filter(model="merchants.applicationdocument").exists()  # the applicant's own look
    assert staff_client("reviewer", email="r2@store.test").get(url).status_code == 200
    look = StaffAccess.objects.get(model="merchants.applicationdocument")
    assert (look.staff.email, look.object_id, look.unmasked) == ("r2@store.test", str(document.pk), True)


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_emails_language_starts_as_the_page_language_and_the_emails_follow_the_choice(
    client, settings, django_capture_on_commit_callbacks, language
):
    user = verified_user()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("merchants:apply")).content.decode()
    assert f'<option value="{language}" selected>' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("merchants:apply"), {**FORM, "language": language, "submit": "1", "file": pdf()})
    application = Application.objects.get(applicant=user)
    assert application.language == language
    subjects = {
        "en": "We have received your application",
        "fr": "Nous avons bien reçu votre demande",
        "ar": "استلمنا طلبك",
    }
    assert mail.outbox[-1].subject == subjects[language]


def test_a_wrong_document_can_be_taken_off_the_draft_without_losing_what_was_typed(
    client, django_capture_on_commit_callbacks
):
    user = verified_user()
    client.force_login(user)
    client.post(reverse("merchants:apply"), {**FORM, "save": "1", "file": pdf("wrong.pdf")})
    application = Application.objects.get(applicant=user)
    document = application.documents.get()
    stored = document.file.path

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("merchants:apply"),
            {**FORM, "trade_name": "Atlas Souk", "remove_document": str(document.pk)},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.documents.count() == 0
    assert application.trade_name == "Atlas Souk"
    assert not Path(stored).exists()


def test_someone_elses_document_cannot_be_removed_and_a_submitted_one_stays(client):
    other = ApplicationFactory()
    theirs = services.add_document(application=other, upload=pdf())
    user = verified_user()
    client.force_login(user)
    client.post(reverse("merchants:apply"), {**FORM, "save": "1"})
    response = client.post(reverse("merchants:apply"), {**FORM, "save": "1", "remove_document": str(theirs.pk)})
    assert response.status_code == 404
    assert other.documents.count() == 1

    submitted = SubmittedApplicationFactory()
    document = services.add_document(application=ApplicationFactory(), upload=pdf())
    document.application = submitted
    document.save()
    with pytest.raises(services.IllegalTransition):
        services.remove_document(document=document)
    assert submitted.documents.count() == 1


def test_an_answer_with_a_refused_document_keeps_the_question_open(client):
    application = SubmittedApplicationFactory(status=Application.Status.NEEDS_INFO, question="Your VAT certificate?")
    client.force_login(application.applicant)
    fake = SimpleUploadedFile("vat.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("merchants:apply"), {"answer": "Attached.", "file": fake})
    assert response.status_code == 200
    assert "not an accepted type" in response.content.decode()
    assert "Attached." in response.content.decode()  # what was typed is still there
    application.refresh_from_db()
    assert application.status == Application.Status.NEEDS_INFO

    client.post(reverse("merchants:apply"), {"answer": "Attached.", "file": pdf("vat.pdf")})
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.documents.get().original_name == "vat.pdf"


@pytest.mark.parametrize(
    ("country", "currency"),
    [("SA", "SAR"), ("FR", "EUR"), ("US", "USD"), ("GB", "GBP"), ("AE", "AED"), ("MA", "MAD"), ("BR", "USD")],
)
def test_the_merchant_currency_follows_the_country(country, currency):
    application = SubmittedApplicationFactory(country=country, vat_number="")
    merchant = services.approve_application(application_id=application.pk, reviewer=UserFactory(is_staff=True))
    assert merchant.currency == currency
    assert merchant.country == country


def test_a_new_merchant_code_is_never_one_already_taken():
    MerchantFactory(code="M-AAAAA")
    drawn = iter(["M-AAAAA", "M-AAAAA", "M-BBBBB"])
    assert services.unused_merchant_code(generate=lambda: next(drawn)) == "M-BBBBB"
