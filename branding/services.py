"""Use cases of branding: file a request, quote, send proofs, ask for changes, approve, brand kits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding import emails
from branding.models import BrandingFile, BrandingRequest, BrandKit, Comment, Proof, RequestEvent
from merchants.models import Merchant
from orders.services import next_in_sequence
from portal.uploads import check_upload, private_name

Status = BrandingRequest.Status

#: The only moves a request can make; nobody sets `status` anywhere else.
TRANSITIONS: dict[str, set[str]] = {
    Status.SUBMITTED: {Status.QUOTED, Status.CANCELLED},
    Status.QUOTED: {Status.IN_DESIGN, Status.CANCELLED},
    Status.IN_DESIGN: {Status.PROOF_SENT, Status.CANCELLED},
    Status.PROOF_SENT: {Status.CHANGES_REQUESTED, Status.APPROVED, Status.CANCELLED},
    Status.CHANGES_REQUESTED: {Status.PROOF_SENT, Status.CANCELLED},
    Status.APPROVED: {Status.IN_PRODUCTION},
    Status.IN_PRODUCTION: {Status.DELIVERED},
    Status.DELIVERED: set(),
    Status.CANCELLED: set(),
}

FILE_KINDS = {"png", "jpeg", "webp", "pdf"}
IMAGE_KINDS = {"png", "jpeg", "webp"}
MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 60_000_000


class BrandingError(Exception):
    code = "branding_error"
    message: Any = _("This is not possible now.")

    def __init__(self, message: Any = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class IllegalTransition(BrandingError):
    code = "illegal_transition"
    message = _("This request cannot move to that stage now.")


class NoKind(BrandingError):
    code = "no_kind"
    message = _("Choose at least one kind of work: logo, packaging, conditioning or printing.")


def check_branding_file(upload: UploadedFile, *, images_only: bool = False) -> Any:
    """PNG, JPEG, WebP or PDF by content; SVG is refused (it can carry scripts)."""
    upload.seek(0)
    head = upload.read(512).lstrip()
    upload.seek(0)
    if head[:5].lower() == b"<?xml" or b"<svg" in head.lower():
        raise ValidationError(
            _("SVG files are not accepted, because they can carry scripts. Please export a PNG or a PDF."),
            code="svg_refused",
        )
    return check_upload(
        upload, allowed=IMAGE_KINDS if images_only else FILE_KINDS, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS
    )


def _store(
    merchant: Merchant, request: BrandingRequest | None, upload: UploadedFile, by: Any, *, images_only: bool = False
) -> BrandingFile:
    kind = check_branding_file(upload, images_only=images_only)
    stored = BrandingFile(
        merchant=merchant,
        request=request,
        original_name=(upload.name or "file")[-200:],
        content_type=kind.content_type,
        uploaded_by=by,
    )
    stored.file.save(private_name("branding", kind), upload, save=False)
    stored.save()
    return stored


def move(request: BrandingRequest, *, to: str, by: Any, note: str = "") -> BrandingRequest:
    """The one place a request changes stage (call inside a transaction holding its row lock)."""
    if to not in TRANSITIONS[request.status]:
        raise IllegalTransition
    request.status = to
    request.save(update_fields=["status"])
    RequestEvent.objects.create(request=request, status=to, by=by, note=note)
    return request


def _locked(request_id: int) -> BrandingRequest:
    return BrandingRequest.objects.select_for_update().select_related("merchant").get(pk=request_id)


def file_request(*, merchant: Merchant, by: Any, data: dict[str, Any], files: list[UploadedFile]) -> BrandingRequest:
    """A member commissions work; every reference file is checked before anything is saved."""
    if not any(data.get(kind) for kind in ("logo", "packaging", "conditioning", "printing")):
        raise NoKind
    for upload in files:
        check_branding_file(upload)
    with transaction.atomic():
        year = timezone.now().year
        request = BrandingRequest.objects.create(
            merchant=merchant,
            requested_by=by,
            reference=f"BR-{year}-{next_in_sequence('branding', year):05d}",
            **data,
        )
        RequestEvent.objects.create(request=request, status=request.status, by=by)
        for upload in files:
            _store(merchant, request, upload, by)
        transaction.on_commit(lambda: emails.to_designers(request, "submitted"))
    return request


def send_quote(*, request_id: int, by: Any, price: Decimal, lead_days: int, rounds: int) -> BrandingRequest:
    """Staff price the work, with a lead time and the revision rounds it includes."""
    with transaction.atomic():
        request = _locked(request_id)
        request.quote_price, request.quote_lead_days, request.revision_rounds_included = price, lead_days, rounds
        request.save(update_fields=["quote_price", "quote_lead_days", "revision_rounds_included"])
        move(request, to=Status.QUOTED, by=by, note=f"{price} SAR, {lead_days} days, {rounds} rounds")
        transaction.on_commit(lambda: emails.to_merchant(request, "quoted"))
    return request


def answer_quote(*, request_id: int, by: Any, accept: bool) -> BrandingRequest:
    """The merchant accepts (design starts) or declines (the request is cancelled)."""
    with transaction.atomic():
        request = _locked(request_id)
        move(
            request,
            to=Status.IN_DESIGN if accept else Status.CANCELLED,
            by=by,
            note="quote accepted" if accept else "quote declined",
        )
        transaction.on_commit(lambda: emails.to_designers(request, "quote_answered"))
    return request


def send_proof(*, request_id: int, by: Any, upload: UploadedFile, notes: str = "") -> Proof:
    """Staff send a new proof version; earlier versions stay."""
    with transaction.atomic():
        request = _locked(request_id)
        move(request, to=Status.PROOF_SENT, by=by, note=notes)
        version = (request.proofs.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        proof = Proof.objects.create(
            request=request,
            version=version,
            file=_store(request.merchant, request, upload, by),
            notes=notes,
            sent_by=by,
        )
        transaction.on_commit(lambda: emails.to_merchant(request, "proof_sent"))
    return proof


def request_changes(*, request_id: int, by: Any, note: str) -> BrandingRequest:
    """The merchant asks for changes; rounds beyond the quote are flagged to staff."""
    with transaction.atomic():
        request = _locked(request_id)
        move(request, to=Status.CHANGES_REQUESTED, by=by, note=note)
        request.revision_rounds_used += 1
        request.save(update_fields=["revision_rounds_used"])
        transaction.on_commit(lambda: emails.to_designers(request, "changes_requested"))
    return request


def approve_proof(*, request_id: int, by: Any, version: int) -> BrandKit | None:
    """The merchant approves one exact version; an approved logo becomes the active brand kit's logo."""
    with transaction.atomic():
        request = _locked(request_id)
        proof = request.proofs.select_related("file").filter(version=version).first()
        if proof is None:
            raise BrandingError(_("There is no such proof version."))
        latest = request.proofs.order_by("-version").values_list("version", flat=True).first()
        if version != latest:
            raise BrandingError(_("Only the latest proof can be approved."))
        move(request, to=Status.APPROVED, by=by, note=f"v{version}")
        request.approved_proof = proof
        request.save(update_fields=["approved_proof"])
        kit = None
        if request.logo and proof.file.content_type.startswith("image/"):
            current = active_kit_of(request.merchant)
            kit = _new_kit(
                merchant=request.merchant,
                by=by,
                logo=proof.file,
                source_proof=proof,
                sender_name=current.sender_name
                if current
                else request.merchant.trade_name or request.merchant.legal_name,
                return_address=current.return_address if current else "",
                colours=request.colours or (current.colours if current else ""),
                slip_message=current.slip_message if current else "",
                insert_text=current.insert_text if current else "",
            )
        transaction.on_commit(lambda: emails.to_designers(request, "approved"))
    return kit


def advance(*, request_id: int, by: Any, to: str, note: str = "") -> BrandingRequest:
    """Staff move an approved request to production, then delivered; or cancel."""
    with transaction.atomic():
        return move(_locked(request_id), to=to, by=by, note=note)


def add_comment(*, request: BrandingRequest, by: Any, body: str) -> Comment:
    """A comment on the request; the other side is told by email."""
    comment = Comment.objects.create(request=request, author=by, body=body)
    if by.is_staff:
        transaction.on_commit(lambda: emails.to_merchant(request, "comment"))
    else:
        transaction.on_commit(lambda: emails.to_designers(request, "comment"))
    return comment


def active_kit_of(merchant: Merchant) -> BrandKit | None:
    return BrandKit.objects.filter(merchant=merchant, is_active=True).select_related("logo").first()


def _new_kit(*, merchant: Merchant, by: Any, **fields: Any) -> BrandKit:
    Merchant.objects.select_for_update().get(pk=merchant.pk)
    version = (
        BrandKit.objects.filter(merchant=merchant).order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    BrandKit.objects.filter(merchant=merchant, is_active=True).update(is_active=False)
    return BrandKit.objects.create(merchant=merchant, version=version, created_by=by, **fields)


def upload_brand_kit(*, merchant: Merchant, by: Any, logo: UploadedFile | None, data: dict[str, Any]) -> BrandKit:
    """A merchant brings its own logo and brand details: a new active kit version."""
    with transaction.atomic():
        current = active_kit_of(merchant)
        stored = _store(merchant, None, logo, by, images_only=True) if logo is not None else None
        return _new_kit(merchant=merchant, by=by, logo=stored or (current.logo if current else None), **data)
