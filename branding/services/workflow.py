"""A branding request from filing to delivery: one transition table, one `move`, one function per use case."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding import tasks
from branding.artwork import check_branding_file, print_logo
from branding.errors import (
    ArtworkMissing,
    BrandingError,
    IllegalTransition,
    NoKind,
    NotLatestVersion,
    NotStaffMove,
    UnknownVersion,
)
from branding.models import KIND_FIELDS, BrandingFile, BrandingRequest, BrandKit, Comment, Proof, RequestEvent
from branding.services.kits import kit_from_approved_proof
from branding.services.storage import store_file
from merchants.models import Merchant, User
from orders.services import next_in_sequence
from portal import state

Status = BrandingRequest.Status
Action = RequestEvent.Action

#: The only moves a request can make; nobody sets `status` anywhere but `move`.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.QUOTED, Status.CANCELLED}),
    Status.QUOTED: frozenset({Status.IN_DESIGN, Status.CANCELLED}),
    Status.IN_DESIGN: frozenset({Status.PROOF_SENT, Status.CANCELLED}),
    Status.PROOF_SENT: frozenset({Status.CHANGES_REQUESTED, Status.APPROVED, Status.CANCELLED}),
    Status.CHANGES_REQUESTED: frozenset({Status.PROOF_SENT, Status.CANCELLED}),
    Status.APPROVED: frozenset({Status.IN_PRODUCTION, Status.CANCELLED}),
    Status.IN_PRODUCTION: frozenset({Status.DELIVERED}),
    Status.DELIVERED: frozenset(),
    Status.CANCELLED: frozenset(),
}

#: What staff may do with "move forward" in the admin; the other moves have their own use case.
STAFF_MOVES = frozenset({Status.IN_PRODUCTION, Status.DELIVERED, Status.CANCELLED})

#: The history entry a move records when the use case names no more precise one.
DEFAULT_ACTION = {
    Status.SUBMITTED: Action.FILED,
    Status.QUOTED: Action.QUOTED,
    Status.IN_DESIGN: Action.QUOTE_ACCEPTED,
    Status.PROOF_SENT: Action.PROOF_SENT,
    Status.CHANGES_REQUESTED: Action.CHANGES_REQUESTED,
    Status.APPROVED: Action.APPROVED,
    Status.IN_PRODUCTION: Action.IN_PRODUCTION,
    Status.DELIVERED: Action.DELIVERED,
    Status.CANCELLED: Action.CANCELLED,
}


def _record(request_: BrandingRequest, move_: state.Move) -> None:
    """One history entry per move, and its notice to the other side once the move commits."""
    event = RequestEvent.objects.create(
        request=request_,
        status=move_.after,
        action=move_.details.get("action") or DEFAULT_ACTION[Status(move_.after)],
        by=cast(User, move_.by),
        note=move_.note,
        ip_address=move_.ip,
        extra_round=bool(move_.details.get("extra_round")),
    )
    tasks.notify_event.delay_on_commit(event.pk)


#: The request's life cycle: the one place its stage changes.
REQUEST = state.Machine(model=BrandingRequest, transitions=TRANSITIONS, error=IllegalTransition, record=_record)


def lock_request(request_id: int) -> BrandingRequest:
    """The request's row (with its merchant, unlocked), locked for the caller's transaction."""
    return state.lock(BrandingRequest, request_id, related=("merchant",))


def move(
    request_: BrandingRequest,
    *,
    to: str,
    by: User,
    note: str = "",
    action: str | None = None,
    ip: str | None = None,
    extra_round: bool = False,
) -> RequestEvent:
    """The one place a request changes stage: checks the table under a row lock, records and notifies."""
    with transaction.atomic():
        locked = lock_request(request_.pk)
        if not REQUEST.allows(locked.status, to):
            # the stages themselves, not their labels: callers compare them with the table
            raise IllegalTransition(current=locked.status, target=to)
        REQUEST.apply(locked, to=to, by=by, note=note, ip=ip, details={"action": action, "extra_round": extra_round})
        request_.refresh_from_db(fields=["status"])
        return RequestEvent.objects.filter(request=request_).latest("pk")


def file_request(
    *, merchant: Merchant, by: User, data: dict[str, Any], files: list[UploadedFile], ip: str | None = None
) -> BrandingRequest:
    """A member commissions work; every reference file is checked before anything is saved."""
    if not any(data.get(kind) for kind in KIND_FIELDS):
        raise NoKind
    checked = [check_branding_file(upload) for upload in files]
    with transaction.atomic():
        year = timezone.now().year
        request = BrandingRequest.objects.create(
            merchant=merchant,
            requested_by=by,
            reference=f"BR-{year}-{next_in_sequence('branding', year):05d}",
            **data,
        )
        for one in checked:
            store_file(merchant=merchant, request=request, checked=one, by=by, purpose=BrandingFile.Purpose.REFERENCE)
        event = RequestEvent.objects.create(
            request=request, status=request.status, action=Action.FILED, by=by, ip_address=ip
        )
        tasks.notify_event.delay_on_commit(event.pk)
    return request


def send_quote(
    *,
    request_id: int,
    by: User,
    price: Decimal,
    lead_days: int,
    rounds: int,
    note: str = "",
    ip: str | None = None,
) -> BrandingRequest:
    """Staff price the work in SAR, with a lead time and the revision rounds it includes."""
    if price < 0 or lead_days < 1 or rounds < 0:
        raise BrandingError(_("A quote needs a price of zero or more, a lead time of a day or more, and rounds."))
    with transaction.atomic():
        request = lock_request(request_id)
        request.quote_price = price.quantize(Decimal("0.01"))
        request.quote_lead_days, request.revision_rounds_included, request.quote_note = lead_days, rounds, note
        request.save(update_fields=["quote_price", "quote_lead_days", "revision_rounds_included", "quote_note"])
        move(request, to=Status.QUOTED, by=by, note=note, ip=ip)
    return request


def answer_quote(*, request_id: int, by: User, accept: bool, ip: str | None = None) -> BrandingRequest:
    """The merchant accepts the quote (design starts) or declines it (the request is cancelled)."""
    with transaction.atomic():
        request = lock_request(request_id)
        if request.status != Status.QUOTED:
            raise BrandingError(_("This request has no quote waiting for an answer."))
        if accept:
            move(request, to=Status.IN_DESIGN, by=by, action=Action.QUOTE_ACCEPTED, ip=ip)
        else:
            move(request, to=Status.CANCELLED, by=by, action=Action.QUOTE_DECLINED, ip=ip)
    return request


def withdraw_request(*, request_id: int, by: User, reason: str = "", ip: str | None = None) -> BrandingRequest:
    """The merchant withdraws a request that has not been quoted yet."""
    with transaction.atomic():
        request = lock_request(request_id)
        if request.status != Status.SUBMITTED:
            raise BrandingError(
                _("Only a request that has not been quoted can be withdrawn. Decline the quote, or write to us below.")
            )
        move(request, to=Status.CANCELLED, by=by, note=reason, action=Action.WITHDRAWN, ip=ip)
    return request


def send_proof(
    *,
    request_id: int,
    by: User,
    upload: UploadedFile,
    notes: str = "",
    artwork: UploadedFile | None = None,
    ip: str | None = None,
) -> Proof:
    """Staff send a new proof version; a logo request's proof carries the logo as a print-ready raster."""
    checked = check_branding_file(upload)
    includes_logo = BrandingRequest.objects.values_list("logo", flat=True).get(pk=request_id)
    print_ready = None
    if includes_logo:
        source = check_branding_file(artwork, images_only=True) if artwork is not None else checked
        if not source.kind.is_image:
            raise ArtworkMissing
        print_ready = print_logo(source)
    with transaction.atomic():
        request = lock_request(request_id)
        version = (request.proofs.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        move(request, to=Status.PROOF_SENT, by=by, note=notes, ip=ip)
        stored = store_file(
            merchant=request.merchant, request=request, checked=checked, by=by, purpose=BrandingFile.Purpose.PROOF
        )
        stored_artwork = (
            store_file(
                merchant=request.merchant,
                request=request,
                checked=print_ready,
                by=by,
                purpose=BrandingFile.Purpose.ARTWORK,
            )
            if print_ready is not None
            else None
        )
        proof = Proof.objects.create(
            request=request, version=version, file=stored, artwork=stored_artwork, notes=notes, sent_by=by
        )
    return proof


def request_changes(*, request_id: int, by: User, note: str, ip: str | None = None) -> BrandingRequest:
    """The merchant asks for changes; a round beyond those the quote included is flagged to staff."""
    if not note.strip():
        raise BrandingError(_("Say what should change."))
    with transaction.atomic():
        request = lock_request(request_id)
        request.revision_rounds_used += 1
        request.save(update_fields=["revision_rounds_used"])
        move(
            request,
            to=Status.CHANGES_REQUESTED,
            by=by,
            note=note,
            ip=ip,
            extra_round=request.revision_rounds_used > request.revision_rounds_included,
        )
    return request


def approve_proof(*, request_id: int, by: User, version: int, ip: str | None = None) -> BrandKit | None:
    """The merchant approves one exact version; an approved logo becomes the brand kit's new active version."""
    with transaction.atomic():
        request = lock_request(request_id)
        proof = request.proofs.select_related("artwork").filter(version=version).first()
        if proof is None:
            raise UnknownVersion
        latest = request.proofs.order_by("-version").values_list("version", flat=True).first()
        if version != latest:
            raise NotLatestVersion
        move(request, to=Status.APPROVED, by=by, note=f"v{version}", ip=ip)
        proof.approved_by, proof.approved_at = by, timezone.now()
        proof.save(update_fields=["approved_by", "approved_at"])
        request.approved_proof = proof
        request.save(update_fields=["approved_proof"])
        return kit_from_approved_proof(request=request, proof=proof, by=by) if proof.artwork else None


def advance(*, request_id: int, by: User, to: str, note: str = "", ip: str | None = None) -> BrandingRequest:
    """Staff move a request to production, to delivered, or cancel it (with the reason)."""
    if to not in STAFF_MOVES:
        raise NotStaffMove
    if to == Status.CANCELLED and not note.strip():
        raise BrandingError(_("Say why the request is cancelled: the merchant will read it."))
    with transaction.atomic():
        request = lock_request(request_id)
        move(request, to=to, by=by, note=note, ip=ip)
    return request


def add_comment(*, request: BrandingRequest, by: User, body: str) -> Comment:
    """A comment on the request; the other side is told by email."""
    if not body.strip():
        raise BrandingError(_("Write a comment first."))
    with transaction.atomic():
        comment = Comment.objects.create(request=request, author=by, body=body.strip())
        tasks.notify_comment.delay_on_commit(comment.pk)
    return comment
