"""Use cases of the merchants domain: applications and their review, members, merchant settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from merchants import emails, tasks
from merchants.emails import INVITATION_SALT, invitation_token
from merchants.errors import (
    AlreadyMember,
    DocumentMissing,
    IllegalTransition,
    InvitationForAnotherEmail,
    InvitationInvalid,
    LastOwner,
    MerchantsError,
    OwnApplication,
    TooManyDocuments,
)
from merchants.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Invitation,
    Membership,
    Merchant,
    MerchantSettingChange,
    new_merchant_code,
)
from portal import state
from portal.notices import notify_on_commit
from portal.uploads import check_upload, private_name

__all__ = [
    "APPLICATION",
    "TRANSITIONS",
    "AlreadyMember",
    "DocumentMissing",
    "IllegalTransition",
    "InvitationForAnotherEmail",
    "InvitationInvalid",
    "LastOwner",
    "MerchantsError",
    "OwnApplication",
    "TooManyDocuments",
    "accept_invitation",
    "add_document",
    "answer_question",
    "approve_application",
    "ask_for_information",
    "change_role",
    "change_settings",
    "invitation_token",
    "invite_member",
    "lock_application",
    "lock_merchant",
    "open_invitation",
    "reject_application",
    "remove_document",
    "remove_member",
    "save_application",
    "submit_application",
    "unused_merchant_code",
]

Status = Application.Status

#: The application workflow: the only moves there are.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED},
    Status.SUBMITTED: {Status.NEEDS_INFO, Status.APPROVED, Status.REJECTED},
    Status.NEEDS_INFO: {Status.SUBMITTED, Status.APPROVED, Status.REJECTED},
    Status.APPROVED: set(),
    Status.REJECTED: set(),
}

DOCUMENT_KINDS = {"pdf", "jpeg", "png"}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 10
INVITATION_MAX_AGE = 7 * 24 * 3600

COUNTRY_CURRENCY = {
    "SA": "SAR",
    "FR": "EUR",
    "US": "USD",
    "GB": "GBP",
    "AE": "AED",
    "MA": "MAD",
    "KW": "KWD",
    "QA": "QAR",
    "BE": "EUR",
    "DE": "EUR",
    "ES": "EUR",
    "IT": "EUR",
    "NL": "EUR",
    "PL": "PLN",
    "KR": "KRW",
    "CA": "CAD",
}


#: the history entry each move records (back to the queue after a question is an answer, not a submission)
ACTIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.SUBMITTED): ApplicationEvent.Action.SUBMITTED,
    (Status.NEEDS_INFO, Status.SUBMITTED): ApplicationEvent.Action.ANSWERED,
    (Status.SUBMITTED, Status.NEEDS_INFO): ApplicationEvent.Action.ASKED,
    (Status.SUBMITTED, Status.APPROVED): ApplicationEvent.Action.APPROVED,
    (Status.NEEDS_INFO, Status.APPROVED): ApplicationEvent.Action.APPROVED,
    (Status.SUBMITTED, Status.REJECTED): ApplicationEvent.Action.REJECTED,
    (Status.NEEDS_INFO, Status.REJECTED): ApplicationEvent.Action.REJECTED,
}


def _record(application: Application, move: state.Move) -> None:
    event = ApplicationEvent.objects.create(
        application=application,
        action=ACTIONS[(move.before, move.after)],
        by=move.by,
        note=move.note,
        ip_address=move.ip,
    )
    if event.action in emails.APPLICATION_TEMPLATES:  # the applicant hears of it once committed
        notify_on_commit(tasks.notify_application_event, event.pk)


#: The application's life cycle: the one place its status changes.
APPLICATION = state.Machine(model=Application, transitions=TRANSITIONS, error=IllegalTransition, record=_record)


def lock_merchant(pk: int) -> Merchant:
    """The merchant's row, locked for the caller's transaction: always the first lock taken (merchant, order,
    payment attempt, shipment)."""
    return state.lock(Merchant, pk)


def lock_application(pk: int) -> Application:
    """The application's row, locked for the caller's transaction."""
    return state.lock(Application, pk)


def save_application(*, applicant: Any, data: dict[str, Any], application: Application | None = None) -> Application:
    """Create or update the applicant's draft with the form's cleaned data."""
    if application is None:
        application = Application(applicant=applicant, language=applicant.language)
    elif not application.is_editable:
        raise IllegalTransition
    for field, value in data.items():
        setattr(application, field, value)
    application.save()
    return application


def add_document(*, application: Application, upload: UploadedFile) -> ApplicationDocument:
    """Attach a supporting document after checking its content, size and kind."""
    if application.status not in {Status.DRAFT, Status.NEEDS_INFO}:
        raise IllegalTransition
    if application.documents.count() >= MAX_DOCUMENTS:
        raise TooManyDocuments
    kind = check_upload(upload, allowed=DOCUMENT_KINDS, max_bytes=DOCUMENT_MAX_BYTES)
    document = ApplicationDocument(
        application=application,
        original_name=(upload.name or "document")[-200:],
        content_type=kind.content_type,
        size=upload.size or 0,
    )
    document.file.save(private_name("applications", kind), upload, save=False)
    document.save()
    return document


def remove_document(*, document: ApplicationDocument) -> None:
    """Take a document off a draft (a wrong file, say), deleting the stored file too."""
    with transaction.atomic():
        application = lock_application(document.application_id)
        if not application.is_editable:
            raise IllegalTransition
        document.delete()
        transaction.on_commit(lambda: document.file.delete(save=False))


def submit_application(*, application: Application, by: Any, ip: str | None = None) -> Application:
    """Send the draft to the review queue."""
    with transaction.atomic():
        application = lock_application(application.pk)
        APPLICATION.check(application.status, Status.SUBMITTED)
        if not ApplicationDocument.objects.filter(application=application).exists():
            raise DocumentMissing
        APPLICATION.apply(application, to=Status.SUBMITTED, by=by, ip=ip, changes={"submitted_at": timezone.now()})
    return application


def _check_reviewer(application: Application, reviewer: Any) -> None:
    if application.applicant_id == reviewer.pk:
        raise OwnApplication


def ask_for_information(*, application_id: int, reviewer: Any, question: str, ip: str | None = None) -> Application:
    """Ask the applicant a question; the application leaves the queue until they answer."""
    with transaction.atomic():
        application = lock_application(application_id)
        _check_reviewer(application, reviewer)
        APPLICATION.apply(
            application,
            to=Status.NEEDS_INFO,
            by=reviewer,
            note=question,
            ip=ip,
            changes={"question": question, "answer": ""},
        )
    return application


def answer_question(*, application: Application, by: Any, answer: str, ip: str | None = None) -> Application:
    """The applicant answers; the application returns to the review queue."""
    with transaction.atomic():
        application = lock_application(application.pk)
        APPLICATION.apply(
            application,
            to=Status.SUBMITTED,
            by=by,
            note=answer,
            ip=ip,
            changes={"answer": answer, "submitted_at": timezone.now()},
        )
    return application


def unused_merchant_code(generate: Callable[[], str] = new_merchant_code) -> str:
    """A merchant code no merchant has yet (32^5 codes: a clash is rare, but would break an approval)."""
    code = generate()
    while Merchant.objects.filter(code=code).exists():
        code = generate()
    return code


def approve_application(*, application_id: int, reviewer: Any, note: str = "", ip: str | None = None) -> Merchant:
    """Approve: create the merchant and the applicant's owner membership, exactly once."""
    with transaction.atomic():
        # The row lock makes a second, concurrent approval wait, then find the application approved.
        application = lock_application(application_id)
        _check_reviewer(application, reviewer)
        APPLICATION.check(application.status, Status.APPROVED)
        merchant = Merchant.objects.create(
            code=unused_merchant_code(),
            legal_name=application.legal_name,
            trade_name=application.trade_name,
            country=application.country,
            currency=COUNTRY_CURRENCY.get(application.country, "USD"),
            language=application.language,
            vat_number=application.vat_number,
            registration_number=application.registration_number,
        )
        Membership.objects.create(user=application.applicant, merchant=merchant, role=Membership.Role.OWNER)
        APPLICATION.apply(
            application,
            to=Status.APPROVED,
            by=reviewer,
            note=note,
            ip=ip,
            changes={"merchant": merchant, "decided_at": timezone.now()},
        )
    return merchant


def reject_application(*, application_id: int, reviewer: Any, reason: str, ip: str | None = None) -> Application:
    """Reject with a reason that the applicant sees."""
    with transaction.atomic():
        application = lock_application(application_id)
        _check_reviewer(application, reviewer)
        APPLICATION.apply(
            application,
            to=Status.REJECTED,
            by=reviewer,
            note=reason,
            ip=ip,
            changes={"rejection_reason": reason, "decided_at": timezone.now()},
        )
    return application


def invite_member(*, merchant: Merchant, email: str, role: str, invited_by: Any) -> Invitation:
    """Invite someone by email with a role; they accept through the link in the email.

    Inviting an address again replaces its open invitation (new role, new link) rather than adding one.
    """
    email = email.strip().lower()
    with transaction.atomic():
        lock_merchant(merchant.pk)
        if Membership.objects.filter(merchant=merchant, user__email__iexact=email).exists():
            raise AlreadyMember
        Invitation.objects.filter(merchant=merchant, email=email, accepted_at__isnull=True).delete()
        invitation = Invitation.objects.create(merchant=merchant, email=email, role=role, invited_by=invited_by)
        notify_on_commit(tasks.send_invitation, invitation.pk)
    return invitation


def _invitation_pk(token: str) -> int:
    try:
        return int(signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise InvitationInvalid from exc


def _check_invitee(invitation: Invitation | None, user: Any) -> Invitation:
    if invitation is None:
        raise InvitationInvalid
    # The invited address must be one the user has proved they own (verified through allauth).
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise InvitationForAnotherEmail
    return invitation


def open_invitation(*, token: str, user: Any) -> Invitation:
    """The invitation behind a link, if it is still open and addressed to this user; else a refusal."""
    invitation = (
        Invitation.objects.select_related("merchant").filter(pk=_invitation_pk(token), accepted_at__isnull=True).first()
    )
    return _check_invitee(invitation, user)


def accept_invitation(*, token: str, user: Any) -> Membership:
    """Join the merchant with the invited role, if the signed-in user owns the invited address."""
    pk = _invitation_pk(token)
    with transaction.atomic():
        invitation = _check_invitee(
            Invitation.objects.select_for_update(of=("self",)).filter(pk=pk, accepted_at__isnull=True).first(), user
        )
        membership, _created = Membership.objects.get_or_create(
            user=user, merchant=invitation.merchant, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership


def _owners_left(merchant: Merchant, *, without: Membership) -> int:
    return (
        Membership.objects.select_for_update(of=("self",))
        .filter(merchant=merchant, role=Membership.Role.OWNER)
        .exclude(pk=without.pk)
        .count()
    )


def change_role(*, membership: Membership, role: str) -> Membership:
    """Give a member another role; the last owner cannot stop being one."""
    with transaction.atomic():
        lock_merchant(membership.merchant_id)
        if membership.role == Membership.Role.OWNER and role != membership.role:
            if _owners_left(membership.merchant, without=membership) == 0:
                raise LastOwner
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(*, membership: Membership) -> None:
    """Remove a member; the last owner cannot be removed."""
    with transaction.atomic():
        lock_merchant(membership.merchant_id)
        if membership.role == Membership.Role.OWNER and _owners_left(membership.merchant, without=membership) == 0:
            raise LastOwner
        membership.delete()


SETTINGS = ("may_name_as_partner", "require_two_factor")


def change_settings(*, merchant: Merchant, by: Any, values: dict[str, bool], ip: str | None = None) -> list[str]:
    """Change owner-only settings, recording each change; returns the names of those that changed."""
    changed = []
    with transaction.atomic():
        merchant = lock_merchant(merchant.pk)
        for name in SETTINGS:
            if name in values and getattr(merchant, name) != values[name]:
                MerchantSettingChange.objects.create(
                    merchant=merchant,
                    setting=name,
                    old_value=str(getattr(merchant, name)),
                    new_value=str(values[name]),
                    by=by,
                    ip_address=ip,
                )
                setattr(merchant, name, values[name])
                changed.append(name)
        if changed:
            merchant.save(update_fields=changed)
    return changed
