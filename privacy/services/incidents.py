"""The incident register: detected, contained, notified, closed; affected merchants told by email."""

from __future__ import annotations

from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from merchants.models import Membership, User
from portal import state
from portal.emails import send_templated_email
from portal.notices import notify_on_commit, send_once
from privacy import tasks
from privacy.errors import IllegalTransition, PrivacyError
from privacy.models import Incident, IncidentEvent, IncidentNotice

Status = Incident.Status

#: the one transition table of an incident
TRANSITIONS: dict[str, set[str]] = {
    Status.DETECTED: {Status.CONTAINED},
    Status.CONTAINED: {Status.NOTIFIED, Status.CLOSED},
    Status.NOTIFIED: {Status.CLOSED},
    Status.CLOSED: set(),
}
STAMP: dict[str, str] = {Status.CONTAINED: "contained_at", Status.NOTIFIED: "notified_at", Status.CLOSED: "closed_at"}


def _record(incident: Incident, move_: state.Move) -> None:
    IncidentEvent.objects.create(incident=incident, status=move_.after, by=cast(User, move_.by), note=move_.note)


#: The incident's life cycle: the one place its stage changes.
INCIDENT = state.Machine(model=Incident, transitions=TRANSITIONS, error=IllegalTransition, record=_record)


def lock_incident(pk: int) -> Incident:
    """The incident's row, locked for the caller's transaction."""
    return state.lock(Incident, pk)


def open_incident(*, incident: Incident, by: User) -> Incident:
    """Record a new incident (filled in by staff) at the detected stage."""
    if incident.pk is not None or incident.status != Status.DETECTED:  # a new row starts at its default stage
        raise IllegalTransition(current=INCIDENT.label(incident.status), target=INCIDENT.label(Status.DETECTED))
    with transaction.atomic():
        incident.reported_by = by
        incident.save()
        IncidentEvent.objects.create(incident=incident, status=Status.DETECTED, by=by, note=incident.title)
    return incident


class NoticeIncomplete(PrivacyError):
    code = "incident_notice_incomplete"
    message = _(
        "The affected merchants cannot be notified yet: write the notice to them and choose at least one "
        "affected merchant, save the incident, then notify."
    )


def check_notice_ready(incident: Incident) -> None:
    """Notifying needs a notice to send and someone to send it to."""
    if not incident.notice.strip() or not incident.affected_merchants.exists():
        raise NoticeIncomplete()


def move(incident: Incident, *, to: str, by: User, note: str = "") -> Incident:
    """Move an incident to its next stage, recording who, when and why; notifying emails the merchants."""
    with transaction.atomic():
        incident = lock_incident(incident.pk)
        INCIDENT.check(incident.status, to)
        if to == Status.NOTIFIED:
            check_notice_ready(incident)
        INCIDENT.apply(incident, to=to, by=by, note=note, changes={STAMP[to]: timezone.now()})
        if to == Status.NOTIFIED:
            notify_on_commit(tasks.notify_incident, incident.pk)
    return incident


def notify_affected(*, incident_id: int) -> int:
    """Email the notice to the owners of each affected merchant, each in their language; return how many.

    Each owner's notice is a row (`IncidentNotice`) sent once by `send_once`: no lock is held while the
    emails go out, a retried job sends only those not sent yet, and `notices_sent` counts what went out."""
    incident = Incident.objects.get(pk=incident_id)
    owners = (
        Membership.objects.filter(merchant__in=incident.affected_merchants.all(), role=Membership.Role.OWNER)
        .filter(user__is_active=True)
        .order_by("pk")
    )
    IncidentNotice.objects.bulk_create(
        [IncidentNotice(incident=incident, membership=membership) for membership in owners], ignore_conflicts=True
    )
    sent = 0
    waiting = IncidentNotice.objects.filter(incident=incident, sent_at__isnull=True)
    for notice_id in waiting.values_list("pk", flat=True):
        sent += send_once(IncidentNotice, notice_id, marker="sent_at", send=_send_notice)
    Incident.objects.filter(pk=incident.pk).update(
        notices_sent=IncidentNotice.objects.filter(incident=incident, sent_at__isnull=False).count()
    )
    return sent


def _send_notice(notice: IncidentNotice) -> int:
    membership = Membership.objects.select_related("user", "merchant").get(pk=notice.membership_id)
    send_templated_email(
        to=[membership.user.email],
        template="privacy/email/incident_notice",
        context={"incident": notice.incident, "merchant": membership.merchant},
        language=membership.user.language,
    )
    return 1
