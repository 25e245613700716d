"""Branding files go out only through links signed for one person and one file, which expire."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from branding.models import BrandingFile
from merchants.models import User

SALT = "branding.file"
#: Pages render fresh links on each view; a copied link stops working after this many seconds.
MAX_AGE = 15 * 60


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def file_url(file: BrandingFile, user: User) -> str:
    """A link to this file for this user, valid MAX_AGE seconds; the file id is bound inside the signature."""
    return reverse("branding:file", args=[_signer().sign_object({"f": file.pk, "u": user.pk}, compress=True)])


def file_from_token(token: str, user: User) -> int | None:
    """The file id a token grants this user, or None if it is forged, expired or someone else's."""
    try:
        granted = _signer().unsign_object(token, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(granted, dict) or granted.get("u") != user.pk or not isinstance(granted.get("f"), int):
        return None
    return granted["f"]
