"""The leak guard: no document leaving the warehouse may name the store.

Before a packing slip, a label or a consignee notice is released, its text (read back from the PDF,
metadata included) is compared with the store's identifying strings: name, aliases, domain, address,
VAT and registration numbers, and staff email addresses. The comparison ignores case, accents,
spacing and punctuation, so "M a i s o n  DU MAROC" and "maison-du-maroc" match "Maison du Maroc".
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

#: Words that say what kind of company it is, not which: left out of the name's distinctive core.
LEGAL_FORMS = {
    "est", "establishment", "trading", "llc", "ltd", "limited", "co", "company", "inc", "sarl", "sas", "sa",
    "gmbh", "plc", "group", "the", "and", "wll", "fze", "fzco",
}  # fmt: skip
#: Shorter strings would match ordinary words.
MIN_LENGTH = 5


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


#: Cyrillic and Greek letters drawn like Latin ones: "Маіѕоп" must read as "Maison".
LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic, lower case
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l",
        "ԛ": "q", "ԝ": "w", "ү": "y", "ɡ": "g", "п": "n",
        # Cyrillic, upper case
        "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t",
        "У": "y", "Х": "x", "І": "i", "Ј": "j", "Ѕ": "s", "Ү": "y", "Ԁ": "d", "Ԛ": "q", "Ԝ": "w", "Ӏ": "l",
        # Greek, upper case
        "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o",
        "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ϲ": "c", "Ϳ": "j",
        # Greek, lower case
        "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ϲ": "c",
        "ϳ": "j", "ε": "e", "η": "n", "ω": "w",
    }
)  # fmt: skip


def normalise(text: str) -> str:
    """Lower case, accents removed, look-alike letters read as Latin, and nothing but letters and digits
    (spacing and punctuation go)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(LOOK_ALIKES)
    return "".join(c for c in plain.casefold().translate(LOOK_ALIKES) if c.isalnum())


def _distinctive_name(name: str) -> str:
    words = [w for w in re.split(r"[\W_]+", name) if w and normalise(w) not in LEGAL_FORMS]
    return normalise(" ".join(words))


def store_identifiers() -> list[Identifier]:
    """Everything that identifies the store, normalised; read from settings and staff accounts now."""
    found: list[tuple[str, str]] = []
    name = settings.STORE_NAME
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


def find_leaks(text: str, identifiers: list[Identifier] | None = None) -> list[Leak]:
    """The kinds of store identity that `text` shows (empty: clean)."""
    haystack = normalise(text)
    kinds: list[str] = []
    for identifier in identifiers if identifiers is not None else store_identifiers():
        if identifier.normalised in haystack and identifier.kind not in kinds:
            kinds.append(identifier.kind)
    return [Leak(kind) for kind in kinds]


def pdf_text(pdf: bytes) -> str:
    """All the text a reader of the PDF could see or copy: every page, and the document's metadata."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    parts = [page.extract_text() or "" for page in reader.pages]
    metadata: dict[str, object] = dict(reader.metadata or {})
    parts += [str(value) for value in metadata.values()]
    parts.append(_xmp_text(reader))
    return "\n".join(parts)


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


def is_store_logo(image: bytes) -> bool:
    """True when the image is one of the store's own logos (by SHA-256 fingerprint)."""
    digest = hashlib.sha256(image).hexdigest()
    return digest in {value.strip().lower() for value in settings.STORE_LOGO_SHA256}
