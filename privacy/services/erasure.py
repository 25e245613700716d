"""Erasure: a member asks, the security role decides; approved, every registered row about the member is
erased or anonymised, except what the law obliges us to keep, and the member is told the outcome.

Each completed erasure is also appended to the erasure journal, a file next to the backups (BACKUP_DIR) and
outside the database: restoring a backup taken before an erasure would bring the member back, so `restore`
erases every journaled member again. A line holds the user id, when they joined (so an id reused after a
restore is never mistaken for the erased member) and when they were erased: no personal data.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from audit import registry
from audit.security import Kind, record_event
from merchants.models import Membership, User
from portal import state
from portal.emails import send_templated_email
from portal.notices import notify_on_commit, send_once
from privacy import tasks
from privacy.errors import ErasurePending, IllegalTransition, StaffCannotUseErasure
from privacy.models import ErasureRequest

logger = logging.getLogger(__name__)

Status = ErasureRequest.Status
JOURNAL_NAME = "erasure-journal.jsonl"

#: the one transition table of an erasure request
TRANSITIONS: dict[str, set[str]] = {
    Status.REQUESTED: {Status.COMPLETED, Status.REJECTED, Status.CANCELLED},
    Status.REJECTED: set(),
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
}

#: The erasure request's life cycle: the one place its status changes. Who decided and when is on the row
#: itself (`decided_by`, `decided_at`, `decision_note`), and completion is also a security event.
ERASURE = state.Machine(model=ErasureRequest, transitions=TRANSITIONS, error=IllegalTransition)


def lock_erasure(pk: int) -> ErasureRequest:
    """The erasure request's row, locked for the caller's transaction."""
    return state.lock(ErasureRequest, pk)


def request_erasure(*, user: User, reason: str = "", request: Any = None) -> ErasureRequest:
    """A member asks for their account and personal data to be erased."""
    if user.is_staff:
        raise StaffCannotUseErasure()
    with transaction.atomic():
        get_user_model().objects.select_for_update(of=("self",)).get(pk=user.pk)
        if ErasureRequest.objects.filter(user=user, status=Status.REQUESTED).exists():
            raise ErasurePending()
        erasure = ErasureRequest.objects.create(user=user, reason=reason, language=user.language)
        record_event(Kind.ERASURE_REQUESTED, request, user=user, erasure_id=erasure.pk)
    return erasure


def _decision(*, by: User, note: str) -> dict[str, Any]:
    return {"decided_by": by, "decided_at": timezone.now(), "decision_note": note}


def cancel(*, erasure: ErasureRequest, by: User) -> ErasureRequest:
    """The member withdraws their request before it is decided."""
    return ERASURE.move(erasure.pk, to=Status.CANCELLED, by=by, changes=_decision(by=by, note=""))


def reject(*, erasure: ErasureRequest, by: User, note: str) -> ErasureRequest:
    """The security role refuses (e.g. an unpaid order still open), with the reason the member receives."""
    with transaction.atomic():
        erasure = ERASURE.move(erasure.pk, to=Status.REJECTED, by=by, note=note, changes=_decision(by=by, note=note))
        user = erasure.user
        ErasureRequest.objects.filter(pk=erasure.pk).update(report_to=user.email)
        notify_on_commit(tasks.report_erasure, erasure.pk)
    return erasure


def approve(*, erasure: ErasureRequest, by: User, note: str = "", request: Any = None) -> ErasureRequest:
    """The security role approves: erase the member now and report the outcome to them."""
    with transaction.atomic():
        erasure = lock_erasure(erasure.pk)
        ERASURE.check(erasure.status, Status.COMPLETED)
        user = get_user_model().objects.select_for_update(of=("self",)).get(pk=erasure.user_id)
        email = user.email  # the report goes to the address the member had
        outcome = erase_person(user=user)
        ERASURE.apply(
            erasure,
            to=Status.COMPLETED,
            by=by,
            note=note,
            changes={**_decision(by=by, note=note), "reason": "", "outcome": outcome},
        )
        record_event(Kind.ERASURE_COMPLETED, request, user=by, erasure_id=erasure.pk, erased_user_id=user.pk)
        # Journaled once committed: a rolled-back erasure must never be replayed by a restore.
        transaction.on_commit(lambda: journal_erasure(user_id=user.pk, joined_at=user.date_joined))
        ErasureRequest.objects.filter(pk=erasure.pk).update(report_to=email)
        notify_on_commit(tasks.report_erasure, erasure.pk)
    return erasure


def erase_person(*, user: User) -> dict[str, dict[str, Any]]:
    """Erase or anonymise every registered row about `user`; return what was done per kind of record.

    Every row is found before any is changed, since declarations find their rows through others (the
    memberships, the user's own row); the user's own row goes last.
    """
    user_model = get_user_model()
    ordered = [e for e in registry.entries() if e.model is not user_model] + [
        e for e in registry.entries() if e.model is user_model
    ]
    alone_in = companies_left_alone(user)
    planned = []
    for entry in ordered:
        found = entry.rows_of(user)
        if entry.company_field:
            found = found.filter(**{f"{entry.company_field}__in": alone_in})
        planned.append((entry, list(found)))
    outcome: dict[str, dict[str, Any]] = {}
    for entry, rows in planned:
        for row in rows:
            entry.erase(row)
        if rows:
            outcome[entry.label] = {"rows": len(rows), "kept": list(entry.retained_fields)}
    return outcome


def journal_path() -> Path:
    """The erasure journal: next to the backups, so it outlives any restore of the database."""
    return Path(settings.BACKUP_DIR) / JOURNAL_NAME


def journal_erasure(*, user_id: int, joined_at: datetime) -> None:
    """Append a completed erasure to the journal (user id and dates only), flushed to disk."""
    path = journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"user_id": user_id, "joined_at": joined_at.isoformat(), "erased_at": timezone.now().isoformat()})
    with path.open("a", encoding="utf-8") as journal:
        journal.write(line + "\n")
        journal.flush()
        os.fsync(journal.fileno())
    path.chmod(0o600)


def journaled_erasures() -> list[dict[str, Any]]:
    """The journal's entries, oldest first; an unreadable line (a write cut short) is skipped and logged."""
    path = journal_path()
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            entries.append({"user_id": int(entry["user_id"]), "joined_at": datetime.fromisoformat(entry["joined_at"])})
        except (ValueError, KeyError, TypeError):
            logger.warning("erasure journal line unreadable", extra={"line_number": number})
    return entries


def reapply_journaled_erasures() -> list[int]:
    """Erase again every journaled member the database holds (after a restore); return their user ids.

    A member is matched on id and join date, so a newer account that reused the id is left alone. A request
    the restored database still shows as waiting is closed as completed, so nobody reviews it twice.
    """
    user_model = get_user_model()
    erased = []
    for entry in journaled_erasures():
        with transaction.atomic():
            user = (
                user_model.objects.select_for_update(of=("self",))
                .filter(pk=entry["user_id"], date_joined=entry["joined_at"])
                .first()
            )
            if user is None:
                continue
            erase_person(user=user)
            for pk in ErasureRequest.objects.filter(user=user, status=Status.REQUESTED).values_list("pk", flat=True):
                ERASURE.move(pk, to=Status.COMPLETED, changes={"reason": "", "decided_at": timezone.now()})
        erased.append(user.pk)
    return erased


def companies_left_alone(user: User) -> list[int]:
    """The merchant companies of which `user` is the only member: their data goes with the user's."""
    mine = Membership.objects.filter(user=user).values("merchant_id")
    shared = Membership.objects.filter(merchant_id__in=mine).exclude(user=user).values("merchant_id")
    return list(
        Membership.objects.filter(user=user).exclude(merchant_id__in=shared).values_list("merchant_id", flat=True)
    )


def report(*, erasure_id: int) -> int:
    """Email the member the decision on their request, to the address they had; a second run sends nothing.

    The address is kept on the request (encrypted) until the email is out, then blanked."""
    return send_once(ErasureRequest, erasure_id, marker="reported_at", send=_send_report)


def _send_report(erasure: ErasureRequest) -> int:
    _report(erasure, email=erasure.report_to)
    ErasureRequest.objects.filter(pk=erasure.pk).update(report_to="")
    return 1


def _report(erasure: ErasureRequest, *, email: str) -> None:
    kept = []
    for label, item in erasure.outcome.items():
        meta = apps.get_model(label)._meta
        if item.get("kept"):
            kept.append((meta.verbose_name_plural, [meta.get_field(name).verbose_name for name in item["kept"]]))
    send_templated_email(
        to=[email],
        template="privacy/email/erasure_outcome",
        context={"erasure": erasure, "kept": kept, "completed": erasure.status == Status.COMPLETED},
        language=erasure.language,
    )


def open_request(*, user: User) -> ErasureRequest | None:
    """The member's request waiting for review, if any."""
    return ErasureRequest.objects.filter(user=user, status=Status.REQUESTED).first()
