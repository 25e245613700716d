"""Applications: filling one in, its documents, submitting it, staff's questions and decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from merchants import emails, tasks
from merchants.errors import (
    DocumentMissing,
    IllegalTransition,
    OwnApplication,
    TooManyDocuments,
)
from merchants.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Membership,
    Merchant,
    User,
    new_merchant_code,
)
from merchants.services.locks import lock_application
from portal import state
from portal.notices import notify_on_commit
from portal.uploads import check_upload, private_name

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
        by=cast(User, move.by),
        note=move.note,
        ip_address=move.ip,
    )
    if event.action in emails.APPLICATION_TEMPLATES:  # the applicant hears of it once committed
        notify_on_commit(tasks.notify_application_event, event.pk)


#: The application's life cycle: the one place its status changes.
APPLICATION = state.Machine(model=Application, transitions=TRANSITIONS, error=IllegalTransition, record=_record)


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


def submit_application(*, application: Application, by: User, ip: str | None = None) -> Application:
    """Send the draft to the review queue."""
    with transaction.atomic():
        application = lock_application(application.pk)
        APPLICATION.check(application.status, Status.SUBMITTED)
        if not ApplicationDocument.objects.filter(application=application).exists():
            raise DocumentMissing
        APPLICATION.apply(application, to=Status.SUBMITTED, by=by, ip=ip, changes={"submitted_at": timezone.now()})
    return application


def _check_reviewer(application: Application, reviewer: User) -> None:
    if application.applicant_id == reviewer.pk:
        raise OwnApplication


def ask_for_information(*, application_id: int, reviewer: User, question: str, ip: str | None = None) -> Application:
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


def answer_question(*, application: Application, by: User, answer: str, ip: str | None = None) -> Application:
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


def approve_application(*, application_id: int, reviewer: User, note: str = "", ip: str | None = None) -> Merchant:
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


def reject_application(*, application_id: int, reviewer: User, reason: str, ip: str | None = None) -> Application:
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
