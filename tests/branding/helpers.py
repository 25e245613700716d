"""Files and steps for branding tests: real images and PDFs, and the hostile files uploads must refuse."""

from __future__ import annotations

import io
import struct
import zlib
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from branding import services
from branding.models import BrandingRequest
from portal.staff import create_staff_member


def image(
    name: str = "logo.png", colour: str = "#9a3b1f", size: tuple[int, int] = (800, 500), fmt: str = "PNG"
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def png(name: str = "logo.png", colour: str = "#9a3b1f", size: tuple[int, int] = (800, 500)) -> SimpleUploadedFile:
    """A real PNG, large enough to print (800 x 500 pixels unless told)."""
    return image(name, colour, size)


def pdf(name: str = "mockup.pdf", text: str = "Gift box mock-up") -> SimpleUploadedFile:
    """A real one-page PDF."""
    from weasyprint import HTML

    content = HTML(string=f"<h1>{text}</h1><p>Front, back, sides.</p>").write_pdf()
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pixel_bomb(width: int = 30000, height: int = 30000) -> SimpleUploadedFile:
    """A valid PNG header claiming 30000 x 30000 pixels, a few kilobytes on disk."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * width
    data = zlib.compress(row * 8, 9)  # the first rows only: the file stays tiny
    content = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")
    return SimpleUploadedFile("huge.png", content, content_type="image/png")


def html_as_png() -> SimpleUploadedFile:
    return SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>", content_type="image/png")


def svg(body: str, *, root: str = 'viewBox="0 0 200 100"', name: str = "logo.svg") -> SimpleUploadedFile:
    document = f'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" {root}>{body}</svg>'
    return SimpleUploadedFile(name, document.encode(), content_type="image/svg+xml")


def svg_with_script() -> SimpleUploadedFile:
    return svg("<script>alert(document.cookie)</script>")


def safe_svg(name: str = "logo.svg") -> SimpleUploadedFile:
    """A plain drawing: a green band and a gold circle."""
    return svg(
        '<rect width="200" height="100" fill="#0b5d3b"/><circle cx="100" cy="50" r="30" fill="#c9a227"/>', name=name
    )


def oversized() -> SimpleUploadedFile:
    return SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (16 * 1024 * 1024), content_type="application/pdf")


BRIEF: dict[str, Any] = {"packaging": True, "logo": True, "brief": "Gift boxes for argan oil, gold on deep green."}


def filed(member: Any, files: tuple = (), **data: Any) -> BrandingRequest:
    """A request filed by `member` through the service."""
    return services.file_request(merchant=member.merchant, by=member.user, data={**BRIEF, **data}, files=list(files))


def designer(email: str = "designer@store.test", language: str = "en") -> Any:
    """A staff member with the designer role."""
    from django.contrib.auth import get_user_model

    create_staff_member(email=email, roles=["designer"])
    user = get_user_model().objects.get(email=email)
    user.language = language
    user.save(update_fields=["language"])
    return user


def to_stage(member: Any, staff: Any, stage: str, **data: Any) -> BrandingRequest:
    """A request walked through the services up to `stage` (quoted, in_design, proof_sent, approved...)."""
    item = filed(member, **data)
    steps = [
        (
            "quoted",
            lambda: services.send_quote(request_id=item.pk, by=staff, price=Decimal("1500"), lead_days=10, rounds=1),
        ),
        ("in_design", lambda: services.answer_quote(request_id=item.pk, by=member.user, accept=True)),
        ("proof_sent", lambda: services.send_proof(request_id=item.pk, by=staff, upload=png("v1.png"), notes="v1")),
        ("approved", lambda: services.approve_proof(request_id=item.pk, by=member.user, version=1)),
        ("in_production", lambda: services.advance(request_id=item.pk, by=staff, to="in_production")),
        ("delivered", lambda: services.advance(request_id=item.pk, by=staff, to="delivered")),
    ]
    if stage != "submitted":
        for name, step in steps:
            step()
            if name == stage:
                break
    item.refresh_from_db()
    return item
