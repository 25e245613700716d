"""Emails in the recipient's language, with a plain-text and an HTML part."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from portal.mail import PURPOSE_ATTRIBUTE

logger = logging.getLogger(__name__)


def build_templated_email(
    *, to: list[str], template: str, context: dict[str, Any], language: str, **message_options: Any
) -> EmailMultiAlternatives:
    """The email of `<template>_subject.txt`, `.txt` and `.html` rendered in `language`, not yet sent
    (`message_options`: from_email, headers... for an email that must be checked or set up before it goes)."""
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL, "LANGUAGE_CODE": language}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, **message_options)
    message.attach_alternative(html, "text/html")
    # The email backend (portal.mail) records the message in the disclosure ledger under this purpose.
    setattr(message, PURPOSE_ATTRIBUTE, "Email: " + template.rsplit("/", 1)[-1].replace("_", " "))
    return message


def send_templated_email(*, to: list[str], template: str, context: dict[str, Any], language: str) -> None:
    """Render `<template>_subject.txt`, `.txt` and `.html` in `language` and send one email."""
    build_templated_email(to=to, template=template, context=context, language=language).send()
    logger.info("email sent", extra={"template": template, "language": language, "recipients": len(to)})
