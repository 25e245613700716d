"""`{% signed_file_url file %}`: an expiring link to a branding file for the person viewing the page."""

from __future__ import annotations

from typing import Any

from django import template

from branding.files import file_url
from branding.models import BrandingFile

register = template.Library()


@register.simple_tag(takes_context=True)
def signed_file_url(context: dict[str, Any], file: BrandingFile) -> str:
    """A link to `file` signed for the signed-in person, valid 15 minutes."""
    return file_url(file, context["request"].user)
