"""Telling the other side: one notice per history entry or comment, sent once (`portal.notices.send_once`)."""

from __future__ import annotations

from branding import emails
from branding.models import Comment, RequestEvent
from portal.notices import send_once


def _send_event(event: RequestEvent) -> int:
    request = event.request
    proof = request.proofs.order_by("-version").first() if event.action == RequestEvent.Action.PROOF_SENT else None
    return emails.send_notice(
        request=request,
        actor=event.by,
        context={"action": event.action, "note": event.note, "extra_round": event.extra_round, "proof": proof},
    )


def send_event_notice(*, event_id: int) -> int:
    """Email the other side about one history entry; a second run sends nothing."""
    return send_once(RequestEvent, event_id, marker="notified_at", send=_send_event)


def _send_comment(comment: Comment) -> int:
    return emails.send_notice(
        request=comment.request, actor=comment.author, context={"action": "comment", "note": comment.body}
    )


def send_comment_notice(*, comment_id: int) -> int:
    """Email the other side about one comment; a second run sends nothing."""
    return send_once(Comment, comment_id, marker="notified_at", send=_send_comment)
