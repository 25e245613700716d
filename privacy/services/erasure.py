"""Erasure: a member asks, the security role decides; approved, every registered row about the member is
erased or anonymised, except what the law obliges us to keep, and the member is told the outcome."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from privacy import registry
from privacy.models import ErasureRequest
from privacy.security import Kind, record_event
from privacy.services.errors import ErasurePending, IllegalTransition, StaffCannotUseErasure

Status = ErasureRequest.Status

#: the one transition table of an erasure request
TRANSITIONS: dict[str, set[str]] = {
    Status.REQUESTED: {Status.COMPLETED, Status.REJECTED, Status.CANCELLED},
    Status.REJECTED: set(),
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
}


def request_erasure(*, user: Any, reason: str = "", request: Any = None) -> ErasureRequest:
    """A member asks for their account and personal data to be erased."""
    if user.is_staff:
        raise StaffCannotUseErasure()
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        if ErasureRequest.objects.filter(user=user, status=Status.REQUESTED).exists():
            raise ErasurePending()
        erasure = ErasureRequest.objects.create(user=user, reason=reason, language=user.language)
        record_event(Kind.ERASURE_REQUESTED, request, user=user, erasure_id=erasure.pk)
    return erasure


def _move(erasure: ErasureRequest, *, to: str, by: Any, note: str) -> ErasureRequest:
    locked = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if to not in TRANSITIONS[locked.status]:
        raise IllegalTransition()
    locked.status = to
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = note
    return locked


def cancel(*, erasure: ErasureRequest, by: Any) -> ErasureRequest:
    """The member withdraws their request before it is decided."""
    with transaction.atomic():
        erasure = _move(erasure, to=Status.CANCELLED, by=by, note="")
        erasure.save()
    return erasure


def reject(*, erasure: ErasureRequest, by: Any, note: str) -> ErasureRequest:
    """The security role refuses (e.g. an unpaid order still open), with the reason the member receives."""
    with transaction.atomic():
        erasure = _move(erasure, to=Status.REJECTED, by=by, note=note)
        erasure.save()
        user = erasure.user
        transaction.on_commit(lambda: _report(erasure, email=user.email))
    return erasure


def approve(*, erasure: ErasureRequest, by: Any, note: str = "", request: Any = None) -> ErasureRequest:
    """The security role approves: erase the member now and report the outcome to them."""
    with transaction.atomic():
        erasure = _move(erasure, to=Status.COMPLETED, by=by, note=note)
        user = get_user_model().objects.select_for_update().get(pk=erasure.user_id)
        email = user.email  # the report goes to the address the member had
        erasure.reason = ""
        erasure.outcome = erase_person(user=user)
        erasure.save()
        record_event(Kind.ERASURE_COMPLETED, request, user=by, erasure_id=erasure.pk, erased_user_id=user.pk)
        transaction.on_commit(lambda: _report(erasure, email=email))
    return erasure


def erase_person(*, user: Any) -> dict[str, dict[str, Any]]:
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


def companies_left_alone(user: Any) -> list[int]:
    """The merchant companies of which `user` is the only member: their data goes with the user's."""
    from merchants.models import Membership

    mine = Membership.objects.filter(user=user).values("merchant_id")
    shared = Membership.objects.filter(merchant_id__in=mine).exclude(user=user).values("merchant_id")
    return list(
        Membership.objects.filter(user=user).exclude(merchant_id__in=shared).values_list("merchant_id", flat=True)
    )


def _report(erasure: ErasureRequest, *, email: str) -> None:
    from portal.emails import send_templated_email

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


def open_request(*, user: Any) -> ErasureRequest | None:
    """The member's request waiting for review, if any."""
    return ErasureRequest.objects.filter(user=user, status=Status.REQUESTED).first()
