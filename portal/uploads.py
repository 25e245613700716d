"""Uploaded files: checked by content, stored privately, served only through access-checked views.

Every upload of the portal (application documents, branding references and proofs, transfer
proofs) goes through `check_upload` before it is saved, and out through `private_file_response`.

SVG is text that a browser would run scripts from: it is accepted only where a caller allows "svg",
only without scripts, embedded content, event handlers or outside references, and is then never
stored as SVG but drawn to PNG by `rasterise_svg` (resvg: no script engine, no network, no files).
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
import uuid
import xml.etree.ElementTree as ET  # noqa: N817, S405 - parsed only after DTDs and entities are refused
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
#: Accepted only where a caller allows "svg", and then drawn to PNG before storing (see `rasterise_svg`).
SVG = Kind("svg", "svg", "image/svg+xml", False)
DEFAULT_MAX_SVG_BYTES = 2 * MB
SVG_MAX_ELEMENTS = 20_000


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
    head = upload.read(1024)
    upload.seek(0)
    kind = sniff(head)
    if kind is None and looks_like_svg(head):
        if "svg" not in allowed:
            raise ValidationError(
                _("SVG files are not accepted here, because they can carry scripts. Accepted: %(kinds)s."),
                code="svg_refused",
                params={"kinds": _names(allowed)},
            )
        check_svg(upload, max_bytes=min(max_bytes, DEFAULT_MAX_SVG_BYTES))
        return SVG
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
    from PIL import Image, UnidentifiedImageError  # heavy: loaded by the processes that take images only

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


def looks_like_svg(head: bytes) -> bool:
    """True for text that opens like an SVG document (XML declaration, comments, then an <svg> root)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype")) and b"<svg" in head.lower()


_SVG_UNSAFE_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "object",
    "embed",
    "handler",
    "listener",
    "audio",
    "video",
    "canvas",
}
_OUTSIDE_URL = re.compile(rb"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_SVG_NS = "http://www.w3.org/2000/svg"
_XHTML_NS = "http://www.w3.org/1999/xhtml"


def _svg_refused(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag or attribute name."""
    if name.startswith("{"):
        namespace, _sep, local = name[1:].partition("}")
        return namespace, local
    return "", name


def check_svg(upload: UploadedFile, *, max_bytes: int = DEFAULT_MAX_SVG_BYTES) -> bytes:
    """The SVG's bytes, if it is plain drawing: no script, embedded content, handler or outside reference."""
    if upload.size is not None and upload.size > max_bytes:
        raise _svg_refused(
            _("This SVG is %(size)s MB; the limit for SVG is %(limit)s MB. Send a PNG instead."),
            "file_too_large",
            size=f"{upload.size / MB:.1f}",
            limit=f"{max_bytes / MB:.0f}",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise _svg_refused(_("This SVG is too large. Send a PNG instead."), "file_too_large")
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered or b"<?xml-stylesheet" in lowered:
        # Entities and stylesheets are how SVG reaches outside files or explodes in size.
        raise _svg_refused(
            _("This SVG declares entities or stylesheets, which we do not accept. Export it again, or send a PNG."),
            "svg_unsafe",
        )
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DTD, so no entity can expand or reach outside
    except ET.ParseError as exc:
        raise _svg_refused(_("This SVG is damaged or cannot be read."), "bad_image") from exc
    if _local(root.tag)[1] != "svg":
        raise _svg_refused(_("This file is not an SVG drawing."), "bad_image")
    elements = list(root.iter())
    if len(elements) > SVG_MAX_ELEMENTS:
        raise _svg_refused(_("This SVG is too complex to check. Send a PNG instead."), "svg_unsafe")
    ids = {element.get("id"): element for element in elements if element.get("id")}
    for element in elements:
        namespace, tag = _local(str(element.tag))
        if tag.lower() in _SVG_UNSAFE_ELEMENTS or namespace == _XHTML_NS:
            raise _svg_refused(
                _(
                    "This SVG contains a script or embedded content (<%(element)s>), which we do not accept. "
                    "Export it again as plain shapes, or send a PNG."
                ),
                "svg_script",
                element=tag,
            )
        for name, value in element.attrib.items():
            attribute = _local(name)[1].lower()
            if attribute.startswith("on"):
                raise _svg_refused(
                    _(
                        "This SVG contains an event handler (%(attribute)s), which can run a script. "
                        "Export it again as plain shapes, or send a PNG."
                    ),
                    "svg_script",
                    attribute=attribute,
                )
            outside = attribute == "href" and not value.strip().startswith("#")
            if outside or _OUTSIDE_URL.search(value.encode()) or "@import" in value.lower():
                raise _svg_refused(
                    _(
                        "This SVG refers to outside files, addresses or embedded images, which we do not accept. "
                        "Export it again with everything drawn inside it, or send a PNG."
                    ),
                    "svg_outside_reference",
                )
        style = (element.text or "") if tag == "style" else ""
        if _OUTSIDE_URL.search(style.encode()) or "@import" in style.lower():
            raise _svg_refused(
                _(
                    "This SVG refers to outside files, addresses or embedded images, which we do not accept. "
                    "Export it again with everything drawn inside it, or send a PNG."
                ),
                "svg_outside_reference",
            )
        if tag == "use":
            target = ids.get(next((v for n, v in element.attrib.items() if _local(n)[1] == "href"), "")[1:])
            if target is not None and any(_local(str(inner.tag))[1] == "use" for inner in target.iter()):
                # References of references multiply: a few lines can ask for billions of shapes.
                raise _svg_refused(_("This SVG is too complex to check. Send a PNG instead."), "svg_unsafe")
    if _svg_aspect(root) is None:
        raise _svg_refused(
            _("This SVG has no size (a viewBox, or a width and a height). Export it again with one, or send a PNG."),
            "svg_no_size",
        )
    return data


_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px|pt|pc|mm|cm|in)?\s*$")


def _svg_aspect(root: Any) -> float | None:
    """Width over height of the drawing, from its viewBox or its width and height."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            width, height = float(box[2]), float(box[3])
        except ValueError:
            width = height = 0.0
        if width > 0 and height > 0:
            return width / height
    width_match, height_match = _NUMBER.match(root.get("width") or ""), _NUMBER.match(root.get("height") or "")
    if width_match and height_match and width_match.group(2) == height_match.group(2):
        width, height = float(width_match.group(1)), float(height_match.group(1))
        if width > 0 and height > 0:
            return width / height
    return None


def rasterise_svg(data: bytes, *, long_side: int = 2400) -> bytes:
    """PNG bytes of an SVG that `check_svg` accepted, `long_side` pixels on its longer side.

    resvg has no script engine and no network; it is given an empty folder for relative files.
    The size is ours, never the document's, so a declared 30000 x 30000 drawing cannot exhaust memory.
    """
    import resvg_py  # a native renderer: loaded by the processes that draw SVG only

    aspect = _svg_aspect(ET.fromstring(data))  # noqa: S314
    if aspect is None:
        raise _svg_refused(_("This SVG has no size (a viewBox, or a width and a height)."), "svg_no_size")
    width, height = (long_side, None) if aspect >= 1 else (None, long_side)
    with tempfile.TemporaryDirectory() as empty:
        try:
            drawn = resvg_py.svg_to_bytes(
                svg_string=data.decode("utf-8"), resources_dir=empty, width=width, height=height
            )
            return bytes(drawn)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _svg_refused(_("This SVG cannot be drawn. Export it again, or send a PNG."), "bad_image") from exc


def private_name(prefix: str, kind: Kind) -> str:
    """An unguessable storage name under `prefix`, with the extension of the detected kind."""
    return str(PurePath(prefix) / f"{uuid.uuid4().hex}.{kind.extension}")


def safe_download_name(name: str, stored_name: str) -> str:
    """The name a file is offered under: the given name without control or direction characters, ending
    in the extension of the type its content was checked as (the stored name's), whatever it ended in.

    "invoice<RIGHT-TO-LEFT OVERRIDE>gnp.exe" holding a PNG is offered as "invoicegnp.png", never as ".exe".
    """
    cleaned = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").replace("/", "").strip()
    extension = PurePath(stored_name).suffix.lower()
    stem = (PurePath(cleaned).stem if extension and PurePath(cleaned).suffix else cleaned).strip(" .")
    if stem.startswith(".") or stem == "" or stem.lower() == extension.lstrip("."):
        stem = "file"
    return f"{stem}{extension}"


def private_file_response(
    field_file: Any, *, download_name: str, content_type: str | None = None, inline_image: bool = False
) -> FileResponse:
    """Serve a private file as an attachment that no browser will render or sniff.

    `inline_image` is for images checked by content (catalogue photos): shown in the page, still sandboxed.
    The name offered ends in the extension of the checked type (`safe_download_name`).
    """
    field_file.open("rb")
    response = FileResponse(
        field_file,
        as_attachment=not inline_image,
        filename=safe_download_name(download_name, field_file.name),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
