"""Uploaded files: checked by content, stored privately, served only through access-checked views.

Every upload of the portal (application documents, branding references and proofs, transfer
proofs) goes through `check_upload` before it is saved, and out through `private_file_response`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
DEFAULT_MAX_PIXELS = 40_000_000  # e.g. 8000 x 5000: plenty for print, far from a decompression bomb


@dataclass(frozen=True)
class Kind:
    name: str
    extension: str
    content_type: str
    is_image: bool


PDF = Kind("pdf", "pdf", "application/pdf", False)
PNG = Kind("png", "png", "image/png", True)
JPEG = Kind("jpeg", "jpg", "image/jpeg", True)
WEBP = Kind("webp", "webp", "image/webp", True)
KINDS = {k.name: k for k in (PDF, PNG, JPEG, WEBP)}


def sniff(head: bytes) -> Kind | None:
    """The kind of a file from its first bytes, whatever its name or declared type says."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def _names(allowed: set[str]) -> str:
    return ", ".join(sorted(k.upper() for k in allowed))


def check_upload(
    upload: UploadedFile,
    *,
    allowed: set[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Kind:
    """Refuse a file that is too big, not of an allowed kind by content, or an image with too many pixels."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("This file is %(size)s MB; the limit is %(limit)s MB."),
            code="file_too_large",
            params={"size": f"{upload.size / MB:.1f}", "limit": f"{max_bytes / MB:.0f}"},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None or kind.name not in allowed:
        raise ValidationError(
            _("This file is not an accepted type. Accepted: %(kinds)s."),
            code="file_type",
            params={"kinds": _names(allowed)},
        )
    if kind.is_image:
        _check_image(upload, max_pixels=max_pixels)
    return kind


def _check_image(upload: UploadedFile, *, max_pixels: int) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        # Image.open reads only the header: the pixel count is known before anything is decoded.
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    _("This image is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels."),
                    code="too_many_pixels",
                    params={"width": width, "height": height, "limit": max_pixels // 1_000_000},
                )
            image.verify()
    except Image.DecompressionBombError as exc:
        # Pillow refuses to even open it: far beyond any limit of ours.
        raise ValidationError(
            _("This image has far too many pixels; the limit is %(limit)s megapixels."),
            code="too_many_pixels",
            params={"limit": max_pixels // 1_000_000},
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(_("This image is damaged or cannot be read."), code="bad_image") from exc
    finally:
        upload.seek(0)


def private_name(prefix: str, kind: Kind) -> str:
    """An unguessable storage name under `prefix`, with the extension of the detected kind."""
    return str(PurePath(prefix) / f"{uuid.uuid4().hex}.{kind.extension}")


def private_file_response(
    field_file: Any, *, download_name: str, content_type: str | None = None, inline_image: bool = False
) -> FileResponse:
    """Serve a private file as an attachment that no browser will render or sniff.

    `inline_image` is for images checked by content (catalogue photos): shown in the page, still sandboxed.
    """
    field_file.open("rb")
    response = FileResponse(
        field_file, as_attachment=not inline_image, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
