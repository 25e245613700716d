"""Sending monitoring alerts to the security role."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from portal.emails import send_templated_email
from portal.notices import send_once
from portal.roles import staff_with_role
from privacy.models import SecurityAlert


def security_team() -> list[Any]:
    """Active staff in the security role (the people alerts go to)."""
    return list(staff_with_role("security"))


def _send(alert: SecurityAlert) -> int:
    team = security_team()
    for person in team:
        send_templated_email(
            to=[person.email],
            template="privacy/email/security_alert",
            context={"alert": alert, "events_url": reverse("admin:audit_securityevent_changelist")},
            language=person.language,
        )
    SecurityAlert.objects.filter(pk=alert.pk).update(recipients=len(team))
    return len(team)


def send_alert(*, alert_id: int) -> int:
    """Email one alert to every member of the security role, each in their language (once: `sent_at`)."""
    return send_once(SecurityAlert, alert_id, marker="sent_at", send=_send)
