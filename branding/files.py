"""Branding files go out only through links that are signed for one person and expire."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.urls import reverse

from branding.models import BrandingFile

SALT = "branding.file"
MAX_AGE = 15 * 60


def file_url(file: BrandingFile, user: Any) -> str:
    """A link to this file for this user, valid 15 minutes; the id is inside the signature."""
    return reverse("branding:file", args=[signing.dumps([file.pk, user.pk], salt=SALT)])


def file_from_token(token: str, user: Any) -> int | None:
    """The file id a token grants this user, or None if it is forged, expired or someone else's."""
    try:
        file_id, user_id = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return file_id if user_id == user.pk else None
