"""Files for branding tests: real images, and the hostile ones uploads must refuse."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png(name: str = "logo.png", colour: str = "#9a3b1f", size: tuple[int, int] = (120, 80)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


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


def svg_with_script() -> SimpleUploadedFile:
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    return SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml")


def oversized() -> SimpleUploadedFile:
    return SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (16 * 1024 * 1024), content_type="application/pdf")
