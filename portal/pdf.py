"""The safe PDF renderer: our own templates, WeasyPrint, and no fetching of anything outside.

Templates embed their CSS and images (as `data:` URIs). The URL fetcher refuses every other
scheme, so a value that smuggles `<img src="file:///etc/passwd">` or a remote URL into a
document gets nothing.
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def safe_url_fetcher():  # noqa: ANN201 - weasyprint's URLFetcher
    """A fetcher that allows `data:` URIs only: file://, http(s):// and the rest are refused."""
    from weasyprint.urls import URLFetcher  # heavy (Pango, fonts): loaded by the processes that render only

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def data_uri(content: bytes, content_type: str) -> str:
    """Embed bytes (a logo, a QR code) in a document."""
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"


def render_html_to_pdf(html: str) -> bytes:
    """PDF bytes from an HTML string, with the safe fetcher."""
    from weasyprint import HTML  # heavy (Pango, fonts): loaded by the processes that render only

    return HTML(string=html, base_url="about:blank", url_fetcher=safe_url_fetcher()).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any], *, language: str | None = None) -> bytes:
    """Render one of our templates to PDF bytes, in `language` when given."""
    with translation.override(language or translation.get_language()):
        html = render_to_string(template_name, context)
    return render_html_to_pdf(html)
