"""Telling the other side: one notice per history entry or comment, sent once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from branding import emails
from branding.models import Comment, RequestEvent


def send_event_notice(*, event_id: int) -> int:
    """Email the other side about one history entry; a second run sends nothing."""
    with transaction.atomic():
        event = (
            RequestEvent.objects.select_for_update(of=("self",))
            .select_related("request__merchant", "by")
            .get(pk=event_id)
        )
        if event.notified_at is not None:
            return 0
        request = event.request
        proof = request.proofs.order_by("-version").first() if event.action == RequestEvent.Action.PROOF_SENT else None
        sent = emails.send_notice(
            request=request,
            actor=event.by,
            context={"action": event.action, "note": event.note, "extra_round": event.extra_round, "proof": proof},
        )
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    return sent


def send_comment_notice(*, comment_id: int) -> int:
    """Email the other side about one comment; a second run sends nothing."""
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("request__merchant", "author")
            .get(pk=comment_id)
        )
        if comment.notified_at is not None:
            return 0
        sent = emails.send_notice(
            request=comment.request, actor=comment.author, context={"action": "comment", "note": comment.body}
        )
        comment.notified_at = timezone.now()
        comment.save(update_fields=["notified_at"])
    return sent
