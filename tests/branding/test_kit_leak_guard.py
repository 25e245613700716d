"""The leak guard when the merchant saves its brand kit: a field that shows the store is refused, with which
field and why, in the merchant's language, and nothing is saved; the store's logo (or a re-encoded,
resized or recoloured copy) is refused too. The shipment still checks every document (defence in depth)."""

from __future__ import annotations

import hashlib
import html
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from branding import services
from branding.models import BrandKit
from portal import leak_guard
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
DETAILS = {
    "sender_name": "Atlas Argan Boutique",
    "return_address": "Atlas Argan Boutique, 4 Quai de Valmy, 75010 Paris, France",
    "slip_message": "Thank you for shopping with us!",
    "insert_text": "",
    "colours": "#1a4d2e",
}


def page(client, member, language="en", **data):
    client.force_login(member.user)
    response = client.post(reverse("branding:kit"), {**DETAILS, **data}, HTTP_ACCEPT_LANGUAGE=language)
    return response, html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("sender_name", "Sender name"),
        ("return_address", "Return address"),
        ("slip_message", "Message on the packing slip"),
        ("insert_text", "Optional insert"),
    ],
)
def test_each_text_field_that_shows_the_store_is_refused_by_name_and_nothing_is_saved(client, field, label):
    member = MembershipFactory()
    response, text = page(client, member, **{field: "With love, Маіѕоп du Маrос"})
    assert response.status_code == 200
    assert f"“{label}” is refused: it shows the store's name." in text
    assert "never name the store that ships them" in text
    assert not BrandKit.objects.exists()


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("maison du maгoc", "the store's name"),  # Cyrillic г
        ("maıson du maroc", "the store's name"),  # dotless ı
        ("Maisօn du Marօc", "the store's name"),  # Armenian օ
        ("Ｍａｉｓｏｎ ｄｕ Ｍａｒｏｃ", "the store's name"),  # full-width
        ("ميزون دو ماروك", "the store's name"),  # in Arabic script
        ("Mai\u200bson du \u202ecoraM", "the store's name"),  # zero-width and a right-to-left override
        ("www.maisondumaroc.example", "the store's web domain"),
        ("King Abdulaziz Road 120, Riyadh", "the store's address"),
    ],
)
def test_disguises_of_the_store_are_refused_when_the_kit_is_saved(client, value, what):
    member = MembershipFactory()
    _response, text = page(client, member, sender_name=value)
    refusal = text.split("“Sender name” is refused: it shows ", 1)[1].split(". Parcels", 1)[0]
    assert what in refusal.split(", ")
    assert not BrandKit.objects.exists()


def test_the_refusal_is_in_french_and_in_arabic(client):
    member = MembershipFactory()
    _response, french = page(client, member, language="fr", sender_name="Maison du Maroc")
    assert "« Nom de l'expéditeur » est refusé : il montre le nom du magasin." in french
    _response, arabic = page(client, member, language="ar", sender_name="Maison du Maroc")
    assert "«اسم المرسل» مرفوض: فهو يُظهر اسم المتجر." in arabic
    assert not BrandKit.objects.exists()


def test_fields_that_show_the_store_only_together_are_refused_together(client):
    member = MembershipFactory()
    _response, text = page(client, member, sender_name="Maison", return_address="du Maroc Street 4, Paris")
    assert "Together, “Sender name”, “Return address”" in text and "show the store's name" in text
    assert not BrandKit.objects.exists()


def test_the_merchants_own_brand_saves(client):
    member = MembershipFactory()
    response, _text = page(client, member, sender_name="Maison Atlas", slip_message="Produits du Maroc, faits main")
    assert response.status_code == 302
    assert BrandKit.objects.get(merchant=member.merchant).sender_name == "Maison Atlas"


# --- the logo ----------------------------------------------------------------------------------------------


def store_logo() -> Image.Image:
    """The store's emblem: a green octagon, a gold star, a cream bar (on a transparent background)."""
    logo = Image.new("RGBA", (1600, 1000), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    draw.regular_polygon((800, 500, 420), 8, fill="#0b5d3b")
    draw.regular_polygon((800, 500, 320), 8, rotation=22.5, fill="#c9a227")
    draw.ellipse((650, 350, 950, 650), fill="#0b5d3b")
    draw.rectangle((750, 150, 850, 850), fill="#f4ead5")
    return logo


def encoded(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    if fmt == "JPEG":
        flat = Image.new("RGBA", image.size, "white")
        flat.alpha_composite(image.convert("RGBA"))
        image = flat.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def recoloured(image: Image.Image) -> Image.Image:
    red, green, blue, alpha = image.split()
    return ImageEnhance.Brightness(Image.merge("RGBA", (green, red, blue, alpha))).enhance(1.1)


COPIES = {
    "the same file": lambda logo: encoded(logo),
    "as a JPEG": lambda logo: encoded(logo, "JPEG", quality=55),
    "as a WebP": lambda logo: encoded(logo, "WEBP", quality=60),
    "resized to 60%": lambda logo: encoded(logo.resize((960, 600))),
    "enlarged and recompressed": lambda logo: encoded(logo.resize((2400, 1500)), "JPEG", quality=80),
    "recoloured": lambda logo: encoded(recoloured(logo)),
    "with a border": lambda logo: encoded(ImageOps.expand(logo, border=150, fill=(0, 0, 0, 0))),
    "in grey": lambda logo: encoded(logo.convert("LA")),
}


def other_logos() -> dict[str, bytes]:
    ring = Image.new("RGB", (900, 400), "#7a4b1e")  # the demo merchant's logo
    ImageDraw.Draw(ring).ellipse((60, 60, 340, 340), fill="#f2d6a2")
    words = Image.new("RGB", (1400, 500), "white")
    ImageDraw.Draw(words).text((60, 150), "Maison Atlas", fill="#0b5d3b", font=ImageFont.load_default(size=160))
    triangle = Image.new("RGB", (1200, 900), "white")
    ImageDraw.Draw(triangle).polygon([(600, 50), (1150, 850), (50, 850)], fill="#aa0000")
    hexagon = Image.new("RGB", (1200, 900), "white")
    ImageDraw.Draw(hexagon).regular_polygon((600, 450, 400), 6, fill="#0b5d3b")
    ImageDraw.Draw(hexagon).ellipse((420, 270, 780, 630), fill="white")
    bars = Image.new("RGB", (1200, 900), "white")
    for i in range(6):
        ImageDraw.Draw(bars).rectangle((100 + i * 170, 100, 180 + i * 170, 800), fill="#224422")
    return {name: encoded(image) for name, image in {"ring": ring, "words": words, "triangle": triangle,
                                                    "hexagon": hexagon, "bars": bars}.items()}  # fmt: skip


@pytest.fixture
def known_logo(settings):
    """The store's logo as the operator configures it (store_logo_fingerprints prints these lines)."""
    original = encoded(store_logo())
    settings.STORE_LOGO_SHA256 = [hashlib.sha256(original).hexdigest()]
    settings.STORE_LOGO_PERCEPTUAL_HASHES = [leak_guard.perceptual_hash(original)]
    return store_logo()


@pytest.mark.parametrize("copy", list(COPIES))
def test_the_store_logo_and_its_re_encoded_resized_or_recoloured_copies_are_recognised(known_logo, copy):
    assert leak_guard.is_store_logo(COPIES[copy](known_logo))


def test_different_logos_and_plain_images_are_not_the_store_logo(known_logo):
    logos = other_logos()
    assert {name: leak_guard.is_store_logo(content) for name, content in logos.items()} == dict.fromkeys(logos, False)
    assert not leak_guard.is_store_logo(encoded(Image.new("RGB", (800, 500), "#0b5d3b")))
    assert not leak_guard.is_store_logo(b"not an image")


def test_without_a_configured_hash_only_the_same_file_is_recognised(settings):
    original = encoded(store_logo())
    settings.STORE_LOGO_SHA256 = [hashlib.sha256(original).hexdigest()]
    settings.STORE_LOGO_PERCEPTUAL_HASHES = []
    assert leak_guard.is_store_logo(original)
    assert not leak_guard.is_store_logo(COPIES["as a JPEG"](store_logo()))


def test_a_re_encoded_copy_of_the_store_logo_is_refused_on_the_page_and_nothing_is_saved(client, known_logo):
    member = MembershipFactory()
    upload = SimpleUploadedFile("our-logo.jpg", COPIES["as a JPEG"](known_logo), content_type="image/jpeg")
    response, text = page(client, member, logo=upload)
    assert response.status_code == 200
    assert "This logo is refused: it is the store's own logo, or a copy of it." in text
    assert not BrandKit.objects.exists()


@pytest.mark.parametrize("copy", ["resized to 60%", "recoloured", "with a border"])
def test_copies_of_the_store_logo_are_refused_by_the_service(known_logo, copy):
    member = MembershipFactory()
    upload = SimpleUploadedFile("logo.png", COPIES[copy](known_logo), content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        services.upload_brand_kit(merchant=member.merchant, by=member.user, logo=upload, data=DETAILS)
    assert refused.value.code == "store_logo"
    assert not BrandKit.objects.exists()


def test_the_merchants_own_logos_are_accepted(client, known_logo):
    member = MembershipFactory()
    for name, content in other_logos().items():
        response, _text = page(client, member, logo=SimpleUploadedFile(f"{name}.png", content, "image/png"))
        assert response.status_code == 302, name
    assert BrandKit.objects.filter(merchant=member.merchant).count() == len(other_logos())


def test_store_logo_fingerprints_prints_the_settings(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "store-logo.png"
    path.write_bytes(encoded(store_logo()))
    out = io.StringIO()
    call_command("store_logo_fingerprints", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"STORE_LOGO_SHA256={hashlib.sha256(path.read_bytes()).hexdigest()}"
    assert lines[1] == f"STORE_LOGO_PERCEPTUAL_HASHES={leak_guard.perceptual_hash(path.read_bytes())}"
