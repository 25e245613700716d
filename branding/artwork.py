"""Files of branding: checked by content, SVG drawn to PNG, logos made fit for print, previews of PDFs.

Nothing is stored before it passes `check_branding_file`; an SVG is never stored as SVG.
"""

from __future__ import annotations

import io
import shutil
import subprocess  # noqa: S404 - pdftoppm, on bytes we checked, with a timeout
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from portal.uploads import MB, PNG, SVG, Kind, check_svg, check_upload, rasterise_svg

FILE_KINDS = {"png", "jpeg", "webp", "pdf", "svg"}
IMAGE_KINDS = {"png", "jpeg", "webp", "svg"}
MAX_BYTES = 15 * MB
MAX_PIXELS = 60_000_000
#: a logo 5 cm wide at 300 dpi needs about 600 pixels
PRINT_MIN_SIDE = 600
PRINT_MAX_SIDE = 4000
PRINT_DPI = 300
#: an SVG logo is drawn this many pixels on its longer side (20 cm at 300 dpi)
SVG_LONG_SIDE = 2400


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, as the bytes and kind we will store."""

    content: bytes
    kind: Kind
    name: str


def check_branding_file(upload: UploadedFile, *, images_only: bool = False) -> CheckedFile:
    """PNG, JPEG, WebP or PDF by content, or a safe SVG drawn to PNG; refused with a clear message otherwise."""
    kind = check_upload(
        upload, allowed=IMAGE_KINDS if images_only else FILE_KINDS, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS
    )
    name = (upload.name or "file").rsplit("/", 1)[-1][-150:]
    if kind is SVG:
        content = rasterise_svg(check_svg(upload), long_side=SVG_LONG_SIDE)
        stem = name.rsplit(".", 1)[0] or "drawing"
        return CheckedFile(content=content, kind=PNG, name=f"{stem}.png")
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return CheckedFile(content=content, kind=kind, name=name)


def print_logo(checked: CheckedFile) -> CheckedFile:
    """The logo as a PNG at 300 dpi, refused if it is too small to print sharply."""
    from PIL import Image, ImageOps

    if not checked.kind.is_image:
        raise ValidationError(
            _("A logo must be an image: PNG, JPEG, WebP or SVG."),
            code="logo_not_image",
        )
    with Image.open(io.BytesIO(checked.content)) as opened:
        image = ImageOps.exif_transpose(opened)
        width, height = image.size
        if max(width, height) < PRINT_MIN_SIDE:
            raise ValidationError(
                _(
                    "This logo is %(width)s × %(height)s pixels: too small to print sharply. "
                    "Send at least %(minimum)s pixels on its longer side, or an SVG."
                ),
                code="logo_too_small",
                params={"width": width, "height": height, "minimum": PRINT_MIN_SIDE},
            )
        # Far larger than any print needs: keep the stored file reasonable.
        image.thumbnail((PRINT_MAX_SIDE, PRINT_MAX_SIDE))
        has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
        out = io.BytesIO()
        image.save(out, format="PNG", dpi=(PRINT_DPI, PRINT_DPI), optimize=True)
    stem = checked.name.rsplit(".", 1)[0] or "logo"
    return CheckedFile(content=out.getvalue(), kind=PNG, name=f"{stem}-print.png")


def as_content(checked: CheckedFile) -> ContentFile:
    """The checked bytes, ready for a FileField."""
    return ContentFile(checked.content)


def pdf_preview(content: bytes, *, long_side: int = 1600) -> bytes | None:
    """A PNG of the first page of a PDF (for the proof sheet), or None if it cannot be drawn."""
    binary = shutil.which("pdftoppm")
    if binary is None:
        return None
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, the PDF goes through stdin
            [binary, "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to", str(long_side), "-"],
            input=content,
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 and result.stdout.startswith(b"\x89PNG") else None


def read_file(field_file: Any) -> bytes:
    """The bytes of a stored file."""
    with field_file.open("rb") as handle:
        return handle.read()
