"""A merchant's requests, files and kit are for its members and the designers only. The test walks every
branding URL across two merchants; file links are signed for one person and one file, and expire."""

from __future__ import annotations

import pytest
import time_machine
from django.core import signing
from django.urls import URLPattern, reverse
from django.utils import timezone

from branding import services
from branding.files import SALT, file_url
from branding.urls import urlpatterns
from tests.branding.helpers import png, to_stage
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_merchants():
    """Merchants A and B, each with a request at proof stage, reference files and a brand kit with a logo."""
    staff = StaffFactory()
    sides = {}
    for side in ("a", "b"):
        owner = MembershipFactory()
        item = to_stage(owner, staff, "proof_sent")
        services.add_comment(request=item, by=owner.user, body=f"secret of {side}")
        kit = services.upload_brand_kit(
            merchant=owner.merchant,
            by=owner.user,
            logo=png(f"logo-{side}.png"),
            data={"sender_name": f"Sender {side}", "return_address": f"Street of {side}"},
        )
        services.file_request(
            merchant=owner.merchant,
            by=owner.user,
            data={"printing": True, "brief": f"cards of {side}"},
            files=[png(f"ref-{side}.png")],
        )
        sides[side] = {"owner": owner, "item": item, "kit": kit}
    return sides


def branding_urls(objects):
    """Every branding URL, built for the given side's objects; a new URL without a rule here fails."""
    item, kit = objects["item"], objects["kit"]
    args_for = {
        "list": [],
        "new": [],
        "kit": [],
        "kit_restore": [kit.version],
        "file": [signing.TimestampSigner(salt=SALT).sign_object({"f": kit.logo_id, "u": 0})],
        "detail": [item.reference],
        "answer_quote": [item.reference],
        "withdraw": [item.reference],
        "changes": [item.reference],
        "approve": [item.reference],
        "comment": [item.reference],
        "proof_sheet": [item.reference, 1],
    }
    names = {pattern.name for pattern in urlpatterns if isinstance(pattern, URLPattern)}
    assert names == set(args_for), "a branding URL needs a rule in this test"
    return {name: reverse(f"branding:{name}", args=args) for name, args in args_for.items()}


def test_every_branding_url_shows_merchant_b_nothing_of_merchant_a(client, two_merchants):
    a, b = two_merchants["a"], two_merchants["b"]
    client.force_login(b["owner"].user)
    urls = branding_urls(a)
    for name in ("detail", "answer_quote", "withdraw", "changes", "approve", "comment", "proof_sheet", "file"):
        data = {"answer": "accept", "note": "x", "version": "1", "body": "x", "reason": "x"}
        statuses = {client.get(urls[name]).status_code, client.post(urls[name], data).status_code}
        # 404 as for a missing object; 405 only for the method the URL never takes
        assert statuses <= {404, 405} and 404 in statuses, (name, statuses)
    # pages without an object show B's own things only
    for name in ("list", "kit", "new"):
        page = client.get(urls[name]).content.decode()
        assert a["item"].reference not in page, name
        assert "Sender a" not in page and "Street of a" not in page and "secret of a" not in page, name
    # restoring "version 1" acts on B's own kit, never A's
    client.post(urls["kit_restore"])
    assert a["kit"].__class__.objects.filter(merchant=a["owner"].merchant).count() == 1
    a["item"].refresh_from_db()
    assert a["item"].status == "proof_sent"
    assert a["item"].comments.count() == 1


def test_b_cannot_open_a_file_of_a_even_with_a_link_signed_for_b(client, two_merchants):
    a, b = two_merchants["a"], two_merchants["b"]
    client.force_login(b["owner"].user)
    for stored in a["item"].files.all():
        assert client.get(file_url(stored, b["owner"].user)).status_code == 404


def test_file_links_are_personal_expire_and_cannot_be_forged(client, two_merchants):
    a, b = two_merchants["a"], two_merchants["b"]
    stored = a["item"].proofs.get().file
    client.force_login(a["owner"].user)
    url = file_url(stored, a["owner"].user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="v1.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private, no-store")
    # the same person, a minute later, with a link for another file id pasted in: refused
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(url.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))).status_code == 404
    assert client.get(reverse("branding:file", args=[str(stored.pk)])).status_code == 404
    # someone else with the link
    client.force_login(b["owner"].user)
    assert client.get(url).status_code == 404
    # the owner, after the link expired
    client.force_login(a["owner"].user)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert client.get(url).status_code == 404
    # a fellow member of A opens their own link
    colleague = MembershipFactory(merchant=a["owner"].merchant, role="viewer")
    client.force_login(colleague.user)
    assert client.get(file_url(stored, colleague.user)).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404


def test_two_links_to_the_same_file_do_not_show_its_id_or_repeat(two_merchants):
    a = two_merchants["a"]
    stored = a["item"].proofs.get().file
    first = file_url(stored, a["owner"].user)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=2)):
        second = file_url(stored, a["owner"].user)
    assert first != second
    assert f"/{stored.pk}/" not in first


def test_only_verified_designers_among_staff_open_branding_files(client, staff_client, two_merchants):
    stored = two_merchants["a"]["item"].files.filter(purpose="reference").first() or two_merchants["a"]["kit"].logo
    designer = staff_client("designer")
    assert designer.get(file_url(stored, designer.staff_user)).status_code == 200
    reviewer = staff_client("reviewer", email="reviewer@store.test")
    assert reviewer.get(file_url(stored, reviewer.staff_user)).status_code == 404
    unverified = StaffFactory()
    from django.contrib.auth.models import Group

    unverified.groups.add(Group.objects.get(name="designer"))
    client.force_login(unverified)  # signed in without the second factor
    assert client.get(file_url(stored, unverified)).status_code == 404


def test_staff_without_the_designer_role_see_no_branding_in_the_admin(staff_client, two_merchants):
    item = two_merchants["a"]["item"]
    for role in ("reviewer", "fulfilment", "finance", "security"):
        client = staff_client(role, email=f"{role}@store.test")
        for url in (
            reverse("admin:branding_brandingrequest_changelist"),
            reverse("admin:branding_brandingrequest_change", args=[item.pk]),
            reverse("admin:branding_brandingrequest_board"),
            reverse("admin:branding_brandingrequest_proof_sheet", args=[item.pk, 1]),
            reverse("admin:branding_brandkit_changelist"),
        ):
            assert client.get(url).status_code == 403, (role, url)


def test_a_member_without_the_second_factor_their_company_requires_cannot_open_files(client, two_merchants):
    a = two_merchants["a"]
    merchant = a["owner"].merchant
    merchant.require_two_factor = True
    merchant.save(update_fields=["require_two_factor"])
    stored = a["item"].proofs.get().file
    client.force_login(a["owner"].user)
    assert client.get(file_url(stored, a["owner"].user)).status_code == 404


def test_the_privacy_registry_knows_the_addresses_in_the_branding_history():
    from audit.registry import entry_for
    from branding.models import Comment, RequestEvent

    assert entry_for(RequestEvent).masked_fields() == ("ip_address",)
    assert entry_for(Comment).export_fields == ("body", "at")
