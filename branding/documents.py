"""The proof sheet: one A4 page per proof version, with the proof, the reference and an approval box."""

from __future__ import annotations

from branding.artwork import pdf_preview, read_file
from branding.models import Proof
from portal.pdf import data_uri, render_pdf


def proof_image(proof: Proof) -> str | None:
    """The proof as a data URI: the image itself, a drawing of a PDF's first page, or the logo artwork."""
    if proof.file.is_image:
        return data_uri(read_file(proof.file.file), proof.file.content_type)
    preview = pdf_preview(read_file(proof.file.file))
    if preview is not None:
        return data_uri(preview, "image/png")
    if proof.artwork is not None:
        return data_uri(read_file(proof.artwork.file), proof.artwork.content_type)
    return None


def render_proof_sheet(proof: Proof) -> bytes:
    """PDF bytes of the proof sheet, in the merchant's language (right to left in Arabic)."""
    request = proof.request
    return render_pdf(
        "branding/proof_sheet.html",
        {"item": request, "merchant": request.merchant, "proof": proof, "image": proof_image(proof)},
        language=request.merchant.language,
    )
