"""The leak guard: no document leaving the warehouse may name the store.

Before a packing slip, a label or a consignee notice is released (and when a merchant saves its brand
kit), its text is compared with the store's identifying strings: name (Latin and Arabic script),
aliases, domain, address, VAT and registration numbers, and staff email addresses. A PDF's text is read
twice, by pypdf and by poppler's `pdftotext` (they disagree on some fonts: full-width letters come out
of pypdf as garbage), metadata included; a leak in either counts.

Both sides of the comparison are reduced to a skeleton first, so that disguises read as the name:

1. NFKC: full-width letters, mathematical alphanumerics, ligatures (ﬁ, ﬂ), Arabic presentation forms
   and circled letters become plain letters;
2. format characters go: zero-width spaces and joiners, bidi controls and isolates, soft hyphens, the
   Arabic tatweel, Hangul fillers; every script's decimal digits become ASCII digits;
3. a few look-alikes that Unicode's confusables data does not map (Cyrillic п, Greek η and ν, small
   capitals, squared letters) are read as Latin;
4. the UTS #39 skeleton (ICU's SpoofChecker, Unicode's confusables data), computed per character on the
   case-folded letter (or on the letter itself when only its capital form is mapped): Cyrillic г and
   Armenian օ read as r and o, dotless ı as i, m as rn (so "rn" disguises m too);
5. accents and other combining marks go, and everything but letters and digits (spacing, punctuation,
   line breaks) goes.

So "M a i s o n  DU MAROC", "Маіѕоп du Маrос", "ｍａｉｓｏｎ" and "maison-du-\nmaroc" all match
"Maison du Maroc". A logo is recognised by its SHA-256 and by a perceptual hash of its drawing (see `perceptual_hash`),
so a re-encoded, resized or slightly recoloured copy of the store's logo is recognised too.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import math
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from email.header import decode_header, make_header
from functools import lru_cache
from typing import Any, cast

import icu
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

#: Words that say what kind of company it is, not which: left out of the name's distinctive core.
LEGAL_FORMS = {
    "est", "establishment", "trading", "llc", "ltd", "limited", "co", "company", "inc", "sarl", "sas", "sa",
    "gmbh", "plc", "group", "the", "and", "wll", "fze", "fzco",
    # Arabic: establishment, company, trading (two forms), for trade
    "مؤسسة", "شركة", "التجارية", "تجارية", "للتجارة", "تجارة",
}  # fmt: skip
#: Shorter strings would match ordinary words.
MIN_LENGTH = 5
#: Two drawings whose perceptual hashes are at least this alike are the same logo (a re-encoded, resized
#: or recoloured copy scores above 0.97; different logos measured from -0.5 to 0.6).
MIN_LOGO_SIMILARITY = 0.9
#: How long poppler may take to read one document.
PDFTOTEXT_TIMEOUT = 30


@dataclass(frozen=True)
class Identifier:
    """One identifying string of the store, with what it is (for the staff error)."""

    kind: str
    normalised: str


@dataclass(frozen=True)
class Leak:
    """A match: which kind of store identity the document shows."""

    kind: str

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


KIND_LABELS = {
    "name": _("the store's name"),
    "alias": _("another name of the store"),
    "domain": _("the store's web domain"),
    "address": _("the store's address"),
    "vat": _("the store's VAT number"),
    "registration": _("the store's registration number"),
    "staff_email": _("a staff email address"),
    "logo": _("the store's logo"),
}


#: Look-alikes that Unicode's confusables data leaves alone (it maps Cyrillic п to Greek π, not to n),
#: and capitals whose skeleton would differ from their small letter's: read as Latin before the skeleton.
LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic, lower case
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l",
        "ԛ": "q", "ԝ": "w", "ү": "y", "ɡ": "g", "п": "n", "г": "r",
        # Cyrillic, upper case
        "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t",
        "У": "y", "Х": "x", "І": "i", "Ј": "j", "Ѕ": "s", "Ү": "y", "Ԁ": "d", "Ԛ": "q", "Ԝ": "w", "Ӏ": "l",
        # Greek, upper case
        "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o",
        "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ϲ": "c", "Ϳ": "j",
        # Greek, lower case
        "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ϲ": "c",
        "ϳ": "j", "ε": "e", "η": "n", "ω": "w",
        # Latin small capitals
        "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j",
        "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ǫ": "q", "ʀ": "r", "ꜱ": "s", "ᴛ": "t",
        "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
        # squared, negative circled and negative squared Latin capitals, regional indicators (no NFKC form)
        **{chr(start + i): chr(ord("a") + i) for start in (0x1F130, 0x1F150, 0x1F170, 0x1F1E6) for i in range(26)},
    }
)  # fmt: skip

#: Letters that draw nothing or only stretch a line (Default_Ignorable_Code_Point outside category Cf).
INVISIBLE = {"\u0640", "\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u17b4", "\u17b5"}


@lru_cache(maxsize=1)
def _spoof_checker() -> Any:
    return icu.SpoofChecker()


def _skeleton(text: str) -> str:
    """UTS #39 skeleton of `text` (ICU, Unicode's confusables data)."""
    return str(_spoof_checker().getSkeleton(0, text))


@lru_cache(maxsize=65536)
def _letter_skeleton(letter: str) -> str:
    """One character's skeleton, case folded: from its small letter, or from itself when only that maps
    to Latin (Cherokee capitals, say)."""
    folded = _skeleton(letter.casefold()).casefold()
    if folded.isascii():
        return folded
    via_capital = _skeleton(_skeleton(letter).casefold()).casefold()
    return via_capital if via_capital.isascii() else folded


def _visible(char: str) -> bool:
    return unicodedata.category(char) != "Cf" and char not in INVISIBLE


def _ascii_digit(char: str) -> str:
    return str(unicodedata.decimal(char)) if unicodedata.category(char) == "Nd" else char


def normalise(text: str) -> str:
    """The text's skeleton: NFKC, invisible characters dropped, look-alikes read as Latin (UTS #39
    skeleton), case folded, accents removed, and nothing but letters and digits."""
    plain = "".join(_ascii_digit(c) for c in unicodedata.normalize("NFKC", text) if _visible(c))
    letters = "".join(_letter_skeleton(c) for c in plain.translate(LOOK_ALIKES))
    skeleton = _skeleton(letters).casefold()  # once more: a letter's prototype may have one of its own (m: rn)
    bare = "".join(c for c in unicodedata.normalize("NFD", skeleton) if not unicodedata.combining(c))
    return "".join(c for c in bare.casefold() if c.isalnum())


def _distinctive_name(name: str) -> str:
    legal_forms = {normalise(word) for word in LEGAL_FORMS}
    words = [w for w in re.split(r"[\W_]+", name) if w and normalise(w) not in legal_forms]
    return normalise(" ".join(words))


def store_identifiers() -> list[Identifier]:
    """Everything that identifies the store, normalised; read from settings and staff accounts now."""
    found: list[tuple[str, str]] = []
    for name in (settings.STORE_NAME, settings.STORE_NAME_AR):
        if name:
            found += [("name", normalise(name)), ("name", _distinctive_name(name))]
    found += [("alias", normalise(alias)) for alias in settings.STORE_ALIASES]
    domain = settings.STORE_DOMAIN.strip().lower()
    if domain:
        found.append(("domain", normalise(domain)))
        found.append(("domain", normalise(domain.removeprefix("www.").split(".")[0])))
    address = settings.STORE_ADDRESS
    if address:
        found.append(("address", normalise(address)))
        found.append(("address", normalise(address.split(",")[0])))  # the street line alone
    found.append(("vat", normalise(settings.STORE_VAT_NUMBER)))
    found.append(("registration", normalise(settings.STORE_REGISTRATION_NUMBER)))
    emails = get_user_model().objects.filter(is_staff=True).values_list("email", flat=True)
    found += [("staff_email", normalise(email)) for email in emails]
    unique: dict[str, str] = {}
    for kind, value in found:
        if len(value) >= MIN_LENGTH:
            unique.setdefault(value, kind)
    return [Identifier(kind=kind, normalised=value) for value, kind in unique.items()]


ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
#: A right-to-left or left-to-right override, up to its end (pop, pop isolate, or the end of the line).
OVERRIDE = re.compile("[\u202d\u202e]([^\u202c\u2069\n]*)")


def _readings(text: str) -> list[str]:
    """The ways a reader may see `text`: as it is, in the order bidi overrides draw it ("\u202ecoraM"
    shows "Maroc"), with HTML entities decoded, and with email headers' encoded words (RFC 2047) decoded."""
    readings = [text, html.unescape(text)]
    if OVERRIDE.search(text):
        readings.append(OVERRIDE.sub(lambda match: match.group(1)[::-1], text))
    words = ENCODED_WORD.findall(text)
    if words:
        decoded = []
        for word in words:
            try:
                decoded.append(str(make_header(decode_header(word))))
            except (ValueError, LookupError, UnicodeDecodeError):
                continue
        readings.append(ENCODED_WORD.sub(" ", text) + "\n" + "\n".join(decoded))
    return readings


def find_leaks(text: str, identifiers: list[Identifier] | None = None) -> list[Leak]:
    """The kinds of store identity that `text` shows (empty: clean)."""
    haystacks = {normalise(reading) for reading in _readings(text)}
    kinds: list[str] = []
    for identifier in identifiers if identifiers is not None else store_identifiers():
        if identifier.kind not in kinds and any(identifier.normalised in haystack for haystack in haystacks):
            kinds.append(identifier.kind)
    return [Leak(kind) for kind in kinds]


def pdf_text(pdf: bytes) -> str:
    """All the text a reader of the PDF could see or copy: every page as pypdf and as poppler read it,
    and the document's metadata."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts.append(poppler_text(pdf))
    metadata: dict[str, object] = dict(reader.metadata or {})
    parts += [str(value) for value in metadata.values()]
    parts.append(_xmp_text(reader))
    return "\n".join(parts)


def poppler_text(pdf: bytes) -> str:
    """The PDF's text as poppler's `pdftotext` reads it; empty (and logged) if poppler cannot read it.

    A missing `pdftotext` raises: the guard would be half blind (Debian's poppler-utils provides it).
    """
    try:
        result = subprocess.run(
            ["pdftotext", "-q", "-enc", "UTF-8", "-", "-"],  # noqa: S607 - poppler from the system's PATH
            input=pdf,
            capture_output=True,
            timeout=PDFTOTEXT_TIMEOUT,
            check=False,
        )
    except FileNotFoundError as exc:
        raise RuntimeError("The leak guard needs poppler's pdftotext (Debian: poppler-utils).") from exc
    except subprocess.TimeoutExpired:
        logger.warning("pdftotext timed out: the leak guard reads this PDF with pypdf only")
        return ""
    if result.returncode != 0:
        logger.warning("pdftotext could not read a PDF: the leak guard reads it with pypdf only")
    return result.stdout.decode("utf-8", errors="replace")


def _xmp_text(reader: Any) -> str:
    """The text of the document's XMP metadata stream (creator, title, producer...), without the XML markup."""
    try:
        stream = reader.trailer["/Root"].get("/Metadata")
        raw = stream.get_object().get_data() if stream is not None else b""
    except (KeyError, AttributeError, TypeError, ValueError):
        return ""
    xml = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
    # XMP may give a property as an element's text or, in its short form, as an attribute: read both.
    attributes = [value for pair in re.findall(r"=\s*\"([^\"]*)\"|=\s*'([^']*)'", xml) for value in pair if value]
    return html.unescape(re.sub(r"<[^>]*>", "\n", xml) + "\n" + "\n".join(attributes))


def find_leaks_in_pdf(pdf: bytes, identifiers: list[Identifier] | None = None) -> list[Leak]:
    """The kinds of store identity a rendered PDF shows."""
    return find_leaks(pdf_text(pdf), identifiers)


# --- logos -------------------------------------------------------------------------------------------------

_DCT_SIZE, _DCT_KEPT = 32, 8
_COSINES = [[math.cos((2 * x + 1) * u * math.pi / (2 * _DCT_SIZE)) for x in range(_DCT_SIZE)] for u in range(_DCT_KEPT)]
#: the prefix of our perceptual hashes (its version: a new algorithm gets a new prefix)
HASH_PREFIX = "dct1:"


def perceptual_hash(image: bytes) -> str | None:
    """The drawing's perceptual hash: `dct1:` and 63 signed bytes in hex; None for something that is not
    an image Pillow reads, or an image without a drawing (one colour).

    It is pHash's transform (Zauner 2010, "Implementation and benchmarking of perceptual image hash
    functions", as the ImageHash package computes it) with Pillow alone: the image on a white background,
    cropped to its drawing (so a border added around the logo changes nothing), in grey, reduced to
    32 × 32; the 8 × 8 lowest frequencies of its discrete cosine transform, without the mean (brightness).
    pHash keeps one bit per frequency, its sign against their median; on a symmetric logo (an emblem)
    most of these frequencies are near zero and their bits flip with JPEG noise: we keep the frequencies
    themselves, scaled to length 1 (contrast), one signed byte each, and compare two logos by the
    correlation of their frequencies (`hash_similarity`).
    """
    from PIL import Image, ImageChops, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image)) as opened:
            opened.load()
            rgba = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    flat = Image.new("RGBA", rgba.size, "white")
    flat.alpha_composite(rgba)
    grey = flat.convert("L")
    darkest, lightest = cast(tuple[int, int], grey.getextrema())
    if lightest - darkest < 16:
        return None
    background = Image.new("L", grey.size, grey.getpixel((0, 0)))  # type: ignore[arg-type]
    drawing = ImageChops.difference(grey, background).point(lambda value: 255 if value > 24 else 0).getbbox()
    if drawing:
        grey = grey.crop(drawing)
    pixels = grey.resize((_DCT_SIZE, _DCT_SIZE), Image.Resampling.LANCZOS).tobytes()
    rows = [pixels[y * _DCT_SIZE : (y + 1) * _DCT_SIZE] for y in range(_DCT_SIZE)]
    along_x = [[sum(p * c for p, c in zip(row, _COSINES[u], strict=True)) for u in range(_DCT_KEPT)] for row in rows]
    kept = [(v, u) for v in range(_DCT_KEPT) for u in range(_DCT_KEPT)][1:]  # without (0, 0): the mean
    low = [sum(along_x[y][u] * _COSINES[v][y] for y in range(_DCT_SIZE)) for v, u in kept]
    length = math.sqrt(sum(value * value for value in low)) or 1.0
    return HASH_PREFIX + bytes(round(value / length * 127) & 0xFF for value in low).hex()


def _frequencies(value: str) -> list[float] | None:
    value = value.strip().lower()
    if not value.startswith(HASH_PREFIX):
        return None
    try:
        raw = bytes.fromhex(value.removeprefix(HASH_PREFIX))
    except ValueError:
        return None
    if len(raw) != _DCT_KEPT * _DCT_KEPT - 1:
        return None
    signed = [byte - 256 if byte > 127 else byte for byte in raw]
    length = math.sqrt(sum(x * x for x in signed)) or 1.0
    return [x / length for x in signed]


def hash_similarity(first: str, second: str) -> float:
    """How alike two drawings are, from their perceptual hashes: 1 the same, about 0 unrelated."""
    a, b = _frequencies(first), _frequencies(second)
    if a is None or b is None:
        return 0.0
    return sum(x * y for x, y in zip(a, b, strict=True))


def is_store_logo(image: bytes) -> bool:
    """True when the image is one of the store's own logos: the same file (SHA-256), or the same drawing
    re-encoded, resized or recoloured (perceptual hash at least MIN_LOGO_SIMILARITY alike)."""
    digest = hashlib.sha256(image).hexdigest()
    if digest in {value.strip().lower() for value in settings.STORE_LOGO_SHA256}:
        return True
    known = [value for value in settings.STORE_LOGO_PERCEPTUAL_HASHES if value.strip()]
    if not known:
        return False
    seen = perceptual_hash(image)
    return seen is not None and any(hash_similarity(seen, value) >= MIN_LOGO_SIMILARITY for value in known)
