"""The brand kit: made from an approved logo or uploaded by the merchant, a print-ready PNG logo, versioned with
one active version, the return address encrypted, and read by the shipping work through selectors."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from PIL import Image

from branding import selectors, services
from branding.models import BrandKit
from tests.branding.helpers import png, safe_svg, svg_with_script, to_stage
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db
DETAILS = {"sender_name": "Souk Select", "return_address": "PO Box 1, Jeddah 21411"}


def upload(member, logo=None, **data):
    return services.upload_brand_kit(merchant=member.merchant, by=member.user, logo=logo, data={**DETAILS, **data})


def test_an_approved_logo_becomes_the_active_kit_with_a_print_ready_png():
    member, staff = MembershipFactory(merchant__trade_name="Souk Select"), StaffFactory()
    upload(member, return_address="PO Box 9, Riyadh")
    item = to_stage(member, staff, "proof_sent", colours="#0b5d3b, #c9a227")
    kit = services.approve_proof(request_id=item.pk, by=member.user, version=1)
    assert kit == selectors.active_brand_kit(merchant=member.merchant)
    assert (kit.version, kit.source_proof.version, kit.source_proof.request) == (2, 1, item)
    assert (kit.sender_name, kit.return_address, kit.colours) == ("Souk Select", "PO Box 9, Riyadh", "#0b5d3b, #c9a227")
    content, content_type = selectors.brand_kit_logo(kit=kit)
    assert content_type == "image/png"
    logo = Image.open(io.BytesIO(content))
    assert logo.size == (800, 500)
    assert tuple(round(d) for d in logo.info["dpi"]) == (300, 300)


def test_a_first_kit_from_approval_takes_the_trade_name_and_asks_for_a_return_address(client):
    member, staff = MembershipFactory(merchant__trade_name="Atlas Home"), StaffFactory()
    item = to_stage(member, staff, "approved")
    kit = selectors.active_brand_kit(merchant=member.merchant)
    assert (kit.sender_name, kit.return_address, kit.is_complete, kit.source_proof.request) == (
        "Atlas Home",
        "",
        False,
        item,
    )
    client.force_login(member.user)
    assert (
        "Add your return address below: packing slips need it." in client.get(reverse("branding:kit")).content.decode()
    )


def test_the_merchant_uploads_a_logo_and_details_without_a_request():
    member = MembershipFactory()
    kit = upload(member, logo=png("our-logo.jpg", size=(1200, 400)), colours="#0B5D3B", slip_message="Thank you!")
    assert (kit.version, kit.is_active, kit.source_proof) == (1, True, None)
    assert kit.logo.original_name == "our-logo-print.png"
    assert kit.logo.purpose == "kit_logo"
    assert selectors.brand_kit_logo(kit=kit)[0].startswith(b"\x89PNG")


def test_an_svg_logo_is_drawn_for_print_and_a_scripted_one_refused():
    member = MembershipFactory()
    kit = upload(member, logo=safe_svg())
    assert Image.open(io.BytesIO(selectors.brand_kit_logo(kit=kit)[0])).size == (2400, 1200)
    with pytest.raises(Exception) as refused:  # noqa: PT011 - the ValidationError's message is checked
        upload(member, logo=svg_with_script())
    assert "script" in str(refused.value)
    assert BrandKit.objects.filter(merchant=member.merchant).count() == 1


def test_a_logo_too_small_to_print_is_refused_with_its_size(client):
    member = MembershipFactory()
    client.force_login(member.user)
    response = client.post(reverse("branding:kit"), {**DETAILS, "logo": png(size=(200, 120))})
    assert "This logo is 200 × 120 pixels: too small to print sharply." in response.content.decode()
    assert "Souk Select" in response.content.decode()  # what was typed stays
    assert not BrandKit.objects.exists()


def test_versions_keep_history_with_one_active_and_the_logo_kept_when_none_is_sent():
    member = MembershipFactory()
    first = upload(member, logo=png())
    second = upload(member, sender_name="Souk Select KSA")
    assert (first.version, second.version) == (1, 2)
    assert list(BrandKit.objects.filter(merchant=member.merchant, is_active=True)) == [second]
    assert second.logo == first.logo


def test_the_database_allows_one_active_version_per_merchant():
    member = MembershipFactory()
    kit = upload(member)
    with pytest.raises(IntegrityError), transaction.atomic():
        BrandKit.objects.create(
            merchant=member.merchant, version=kit.version + 1, is_active=True, sender_name="x", created_by=member.user
        )


def test_an_earlier_version_is_restored_as_a_new_active_version(client):
    member = MembershipFactory()
    upload(member, logo=png(), sender_name="Old name")
    upload(member, sender_name="New name")
    client.force_login(member.user)
    response = client.post(reverse("branding:kit_restore", args=[1]))
    assert response.status_code == 302
    active = selectors.active_brand_kit(merchant=member.merchant)
    assert (active.version, active.sender_name) == (3, "Old name")
    assert client.post(reverse("branding:kit_restore", args=[9])).status_code == 404


def test_colours_are_hex_codes_and_are_normalised(client):
    member = MembershipFactory()
    client.force_login(member.user)
    refused = client.post(reverse("branding:kit"), {**DETAILS, "colours": "green; #0b5d3b"})
    assert "Give colours as hex codes separated by commas" in refused.content.decode()
    client.post(reverse("branding:kit"), {**DETAILS, "colours": "#0B5D3B; #C9A227"})
    assert selectors.active_brand_kit(merchant=member.merchant).colours == "#0b5d3b, #c9a227"


def test_the_return_address_is_encrypted_at_rest():
    member = MembershipFactory()
    kit = upload(member, return_address="12 Rue des Potiers, Fès")
    with connection.cursor() as cursor:
        cursor.execute("SELECT return_address FROM branding_brandkit WHERE id = %s", [kit.pk])
        (raw,) = cursor.fetchone()
    assert "Potiers" not in raw
    assert BrandKit.objects.get(pk=kit.pk).return_address == "12 Rue des Potiers, Fès"


def test_the_shipping_work_reads_the_active_kit_and_its_logo_bytes():
    member = MembershipFactory()
    assert selectors.active_brand_kit(merchant=member.merchant) is None
    assert selectors.brand_kit_logo(kit=None) is None
    kit = upload(member, logo=png(), slip_message="Shukran!", insert_text="Care: keep dry.")
    active = selectors.active_brand_kit(merchant=member.merchant)
    assert (active.sender_name, active.return_address, active.slip_message, active.insert_text) == (
        "Souk Select",
        "PO Box 1, Jeddah 21411",
        "Shukran!",
        "Care: keep dry.",
    )
    assert selectors.brand_kit_logo(kit=active)[1] == "image/png"
    assert active == kit


def test_a_viewer_sees_the_kit_but_cannot_change_it(client):
    owner = MembershipFactory()
    upload(owner)
    viewer = MembershipFactory(merchant=owner.merchant, role="viewer")
    client.force_login(viewer.user)
    page = client.get(reverse("branding:kit"))
    assert "Souk Select" in page.content.decode()
    assert "Save as a new version" not in page.content.decode()
    assert client.post(reverse("branding:kit"), {**DETAILS, "sender_name": "Hijack"}).status_code == 403
    assert client.post(reverse("branding:kit_restore", args=[1])).status_code == 403
    assert selectors.active_brand_kit(merchant=owner.merchant).version == 1
