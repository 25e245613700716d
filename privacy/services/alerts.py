"""Sending monitoring alerts to the security role."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.emails import send_templated_email
from portal.roles import staff_with_role
from privacy.models import SecurityAlert


def security_team() -> list[Any]:
    """Active staff in the security role (the people alerts go to)."""
    return list(staff_with_role("security"))


def send_alert(*, alert_id: int) -> int:
    """Email one alert to every member of the security role, each in their language (once)."""
    with transaction.atomic():
        alert = SecurityAlert.objects.select_for_update(of=("self",)).get(pk=alert_id)
        if alert.sent_at is not None:
            return 0
        team = security_team()
        for person in team:
            send_templated_email(
                to=[person.email],
                template="privacy/email/security_alert",
                context={"alert": alert, "events_url": reverse("admin:audit_securityevent_changelist")},
                language=person.language,
            )
        alert.recipients = len(team)
        alert.sent_at = timezone.now()
        alert.save(update_fields=["recipients", "sent_at"])
    return len(team)
