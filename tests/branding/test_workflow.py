"""Branding requests: filing with checked files, the transition table, quotes, proofs, approval, brand kit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from branding import selectors, services
from branding.models import BrandingRequest, BrandKit
from portal.staff import create_staff_member
from tests.branding.helpers import html_as_png, oversized, pixel_bomb, png, svg_with_script
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
BRIEF = {"packaging": True, "logo": True, "brief": "Gift boxes for argan oil, gold on deep green."}


def filed(member, files=()):
    return services.file_request(merchant=member.merchant, by=member.user, data=BRIEF, files=list(files))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (html_as_png, "not an accepted type"),
        (svg_with_script, "SVG files are not accepted"),
        (pixel_bomb, "far too many pixels; the limit is 60 megapixels"),
        (oversized, "the limit is 15 MB"),
    ],
)
def test_hostile_or_oversized_uploads_are_refused_with_a_clear_message(client, upload, message):
    member = MembershipFactory()
    client.force_login(member.user)
    response = client.post(
        reverse("branding:new"), {**BRIEF, "logo": "on", "packaging": "on", "reference_files": [upload()]}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BrandingRequest.objects.exists()


def test_a_request_needs_at_least_one_kind_of_work():
    with pytest.raises(services.NoKind):
        services.file_request(merchant=MembershipFactory().merchant, by=UserFactory(), data={"brief": "x"}, files=[])


@pytest.mark.parametrize(
    ("start", "to"),
    [(a, b) for a in BrandingRequest.Status.values for b in BrandingRequest.Status.values],
)
def test_every_pair_of_stages_follows_the_transition_table(start, to):
    member = MembershipFactory()
    item = filed(member)
    BrandingRequest.objects.filter(pk=item.pk).update(status=start)
    item.refresh_from_db()
    if to in services.TRANSITIONS[start]:
        services.move(item, to=to, by=member.user)
        item.refresh_from_db()
        assert item.status == to
    else:
        with pytest.raises(services.IllegalTransition):
            services.move(item, to=to, by=member.user)


def test_quote_proofs_changes_and_approval_of_an_exact_version_make_the_brand_kit(
    django_capture_on_commit_callbacks,
):
    member = MembershipFactory(merchant__language="fr")
    designer = create_staff_member(email="designer@store.test", roles=["designer"])
    staff = UserFactory._meta.model.objects.get(email=designer.email)
    with django_capture_on_commit_callbacks(execute=True):
        item = filed(member, [png("ref.png")])
    assert mail.outbox[-1].to == ["designer@store.test"]
    with django_capture_on_commit_callbacks(execute=True):
        services.send_quote(request_id=item.pk, by=staff, price=Decimal("1500"), lead_days=10, rounds=1)
    assert member.user.email in mail.outbox[-1].to
    assert "BR-" in mail.outbox[-1].subject
    services.answer_quote(request_id=item.pk, by=member.user, accept=True)
    services.send_proof(request_id=item.pk, by=staff, upload=png("v1.png", "#000000"), notes="first idea")
    services.request_changes(request_id=item.pk, by=member.user, note="Bigger letters")
    services.send_proof(request_id=item.pk, by=staff, upload=png("v2.png", "#c9a227"), notes="bigger")
    with pytest.raises(services.BrandingError):
        services.approve_proof(request_id=item.pk, by=member.user, version=1)  # only the latest
    kit = services.approve_proof(request_id=item.pk, by=member.user, version=2)
    item.refresh_from_db()
    assert item.status == "approved"
    assert item.approved_proof.version == 2
    assert [p.version for p in item.proofs.all()] == [1, 2]  # earlier versions stay
    assert kit == selectors.active_brand_kit(merchant=member.merchant)
    assert kit.logo == item.approved_proof.file
    assert kit.source_proof.version == 2


def test_rounds_beyond_the_quote_are_flagged_to_staff(django_capture_on_commit_callbacks):
    member = MembershipFactory()
    create_staff_member(email="designer@store.test", roles=["designer"])
    staff = UserFactory(is_staff=True)
    item = filed(member)
    services.send_quote(request_id=item.pk, by=staff, price=Decimal("500"), lead_days=5, rounds=1)
    services.answer_quote(request_id=item.pk, by=member.user, accept=True)
    for version in (1, 2):
        services.send_proof(request_id=item.pk, by=staff, upload=png(f"v{version}.png"))
        with django_capture_on_commit_callbacks(execute=True):
            services.request_changes(request_id=item.pk, by=member.user, note="again")
    item.refresh_from_db()
    assert item.extra_rounds == 1
    assert "beyond the rounds included" in mail.outbox[-1].body


def test_one_active_brand_kit_version_and_uploads_keep_history():
    member = MembershipFactory()
    first = services.upload_brand_kit(
        merchant=member.merchant,
        by=member.user,
        logo=png(),
        data={"sender_name": "Souk Select", "return_address": "PO Box 1, Jeddah"},
    )
    second = services.upload_brand_kit(
        merchant=member.merchant,
        by=member.user,
        logo=None,
        data={"sender_name": "Souk Select KSA", "return_address": "PO Box 2"},
    )
    assert (first.version, second.version) == (1, 2)
    assert list(BrandKit.objects.filter(merchant=member.merchant, is_active=True)) == [second]
    assert second.logo == first.logo
    with pytest.raises(ValidationError):
        services.upload_brand_kit(
            merchant=member.merchant,
            by=member.user,
            logo=svg_with_script(),
            data={"sender_name": "x", "return_address": "y"},
        )


def test_the_proof_sheet_is_one_page_with_the_reference_in_the_merchant_language(client):
    member = MembershipFactory(merchant__language="ar")
    staff = UserFactory(is_staff=True)
    item = filed(member)
    services.send_quote(request_id=item.pk, by=staff, price=Decimal("500"), lead_days=5, rounds=1)
    services.answer_quote(request_id=item.pk, by=member.user, accept=True)
    services.send_proof(request_id=item.pk, by=staff, upload=png())
    client.force_login(member.user)
    response = client.get(reverse("branding:proof_sheet", args=[item.reference, 1]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(__import__("io").BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert item.reference in text
    assert "v1" in text


def test_an_image_just_over_the_pixel_limit_is_named_with_its_size():
    with pytest.raises(ValidationError) as refused:
        services.check_branding_file(pixel_bomb(8000, 8000))
    assert "8000 × 8000 pixels" in refused.value.messages[0]
