"""Reference files, proofs and logos are checked by content: hostile or oversized files are refused with a
clear message and nothing is saved; a plain SVG is drawn to PNG and never stored as SVG."""

from __future__ import annotations

import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from branding.artwork import check_branding_file
from branding.models import BrandingFile, BrandingRequest
from portal.uploads import check_upload
from tests.branding.helpers import (
    html_as_png,
    image,
    oversized,
    pdf,
    pixel_bomb,
    png,
    safe_svg,
    svg,
    svg_with_script,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
FORM = {"logo": "on", "packaging": "on", "brief": "Gift boxes for argan oil, gold on deep green."}


def post_request(client, *files):
    member = MembershipFactory()
    client.force_login(member.user)
    return client.post(reverse("branding:new"), {**FORM, "reference_files": list(files)})


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (html_as_png, "This file is not an accepted type. Accepted: JPEG, PDF, PNG, SVG, WEBP."),
        (svg_with_script, "This SVG contains a script or embedded content (&lt;script&gt;), which we do not accept."),
        (pixel_bomb, "This image has far too many pixels; the limit is 60 megapixels."),
        (oversized, "This file is 16.0 MB; the limit is 15 MB."),
    ],
    ids=["png-that-is-html", "svg-with-script", "30000x30000-pixels", "over-the-size-limit"],
)
def test_hostile_or_oversized_reference_files_are_refused_with_a_clear_message(client, upload, message):
    response = post_request(client, png("fine.png"), upload())
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BrandingRequest.objects.exists()
    assert not BrandingFile.objects.exists()
    # what was typed stays in the form
    assert "Gift boxes for argan oil" in response.content.decode()


def test_the_pixel_bomb_is_a_few_kilobytes_and_refused_without_being_decoded():
    bomb = pixel_bomb()
    assert bomb.size < 10_000
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        check_branding_file(bomb)
    assert time.monotonic() - started < 2
    assert refused.value.code == "too_many_pixels"


def test_an_image_over_the_pixel_limit_is_named_with_its_size():
    with pytest.raises(ValidationError) as refused:
        check_branding_file(pixel_bomb(8000, 8000))
    assert "This image is 8000 × 8000 pixels; the limit is 60 megapixels." in refused.value.messages[0]


@pytest.mark.parametrize(
    ("body", "root", "code", "words"),
    [
        (
            '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>',
            None,
            "svg_script",
            "foreignObject",
        ),
        ('<rect width="10" height="10" onclick="steal()"/>', None, "svg_script", "event handler (onclick)"),
        ("", 'viewBox="0 0 10 10" onload="steal()"', "svg_script", "event handler (onload)"),
        (
            '<image href="https://tracker.example/pixel.png" width="10" height="10"/>',
            None,
            "svg_outside_reference",
            "outside files",
        ),
        ('<image href="file:///etc/passwd" width="10" height="10"/>', None, "svg_outside_reference", "outside files"),
        ('<a href="javascript:alert(1)"><rect width="5" height="5"/></a>', None, "svg_outside_reference", "outside"),
        ("<style>@import url(https://x.example/a.css);</style>", None, "svg_outside_reference", "outside"),
        ('<rect width="5" height="5" fill="url(https://x.example/p)"/>', None, "svg_outside_reference", "outside"),
        ('<rect width="5" height="5"/>', 'width="100%"', "svg_no_size", "no size"),
    ],
)
def test_svg_that_could_run_scripts_or_reach_outside_is_refused(body, root, code, words):
    upload = svg(body, root=root) if root else svg(body)
    with pytest.raises(ValidationError) as refused:
        check_branding_file(upload)
    assert refused.value.code == code
    assert words in refused.value.messages[0]


def test_svg_with_entities_is_refused_before_it_is_parsed():
    document = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&x;</text></svg>'
    )
    with pytest.raises(ValidationError) as refused:
        check_branding_file(SimpleUploadedFile("x.svg", document))
    assert refused.value.code == "svg_unsafe"


def test_svg_references_of_references_are_refused_as_too_complex():
    body = '<g id="a"><rect width="1" height="1"/></g><g id="b"><use href="#a"/><use href="#a"/></g><use href="#b"/>'
    with pytest.raises(ValidationError) as refused:
        check_branding_file(svg(body))
    assert refused.value.code == "svg_unsafe"


def test_a_plain_svg_is_drawn_to_png_and_stored_as_png_only(client):
    response = post_request(client, safe_svg("our-logo.svg"))
    item = BrandingRequest.objects.get()
    assert response.status_code == 302
    stored = item.files.get()
    assert (stored.original_name, stored.content_type) == ("our-logo.png", "image/png")
    assert stored.file.name.endswith(".png")
    content = stored.file.read()
    assert content.startswith(b"\x89PNG")
    assert b"<svg" not in content
    drawn = Image.open(io.BytesIO(content))
    assert drawn.size == (2400, 1200)
    assert drawn.getpixel((1200, 600))[:3] == (201, 162, 39)  # the gold circle


def test_a_declared_30000_pixel_svg_is_drawn_at_our_size_not_its_own():
    checked = check_branding_file(svg('<rect width="30000" height="30000"/>', root='width="30000" height="30000"'))
    assert Image.open(io.BytesIO(checked.content)).size == (2400, 2400)


def test_png_jpeg_webp_and_pdf_are_accepted_by_content_and_stored_under_unguessable_names(client):
    response = post_request(
        client, png("shop-logo.png"), image("boxes.jpg", fmt="JPEG"), image("labels.webp", fmt="WEBP"), pdf("brief.pdf")
    )
    assert response.status_code == 302
    stored = {f.original_name: f for f in BrandingFile.objects.all()}
    assert {name: f.content_type for name, f in stored.items()} == {
        "shop-logo.png": "image/png",
        "boxes.jpg": "image/jpeg",
        "labels.webp": "image/webp",
        "brief.pdf": "application/pdf",
    }
    for name, f in stored.items():
        assert name.split(".")[0] not in f.file.name.rsplit("/", 1)[-1]
        assert len(f.file.name.rsplit("/", 1)[-1].split(".")[0]) == 32


def test_a_declared_type_is_ignored_the_content_decides():
    renamed = SimpleUploadedFile("brief.pdf", png().read(), content_type="application/pdf")
    assert check_branding_file(renamed).kind.content_type == "image/png"


def test_other_uploads_of_the_portal_still_refuse_svg_outright():
    with pytest.raises(ValidationError) as refused:
        check_upload(safe_svg(), allowed={"pdf", "png", "jpeg"})
    assert refused.value.code == "svg_refused"
    assert "SVG files are not accepted here" in refused.value.messages[0]


def test_more_than_ten_reference_files_at_once_are_refused(client):
    response = post_request(client, *[png(f"{n}.png", size=(20, 20)) for n in range(11)])
    assert "Send at most 10 files at once." in response.content.decode()
    assert not BrandingRequest.objects.exists()
