"""The merchants domain's personal data, declared for the privacy features (see privacy/registry.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from merchants.models import Application, User
from privacy.registry import PersonalData, register


def _erase_user(user: User) -> None:
    user.full_name = ""
    user.email = f"erased-{user.pk}@invalid.example"
    user.is_active = False
    user.set_unusable_password()
    user.save()


def _erase_application(application: Application) -> None:
    application.contact_name = ""
    application.contact_phone = ""
    application.address = ""
    application.save(update_fields=["contact_name", "contact_phone", "address"])


register(
    PersonalData(
        model=User,
        rows_of=lambda person: User.objects.filter(pk=person.pk),
        export_fields=("email", "full_name", "language", "date_joined", "last_login"),
        erase=_erase_user,
        purpose="Signing in and reaching the person about their account.",
    )
)

register(
    PersonalData(
        model=Application,
        rows_of=lambda person: Application.objects.filter(applicant=person),
        export_fields=(
            "legal_name",
            "trade_name",
            "country",
            "address",
            "contact_name",
            "contact_phone",
            "website",
            "status",
            "submitted_at",
            "decided_at",
        ),
        erase=_erase_application,
        # Drafts never submitted are not needed after six months.
        retention=timedelta(days=180),
        expired=lambda: Application.objects.filter(
            status=Application.Status.DRAFT, created_at__lt=timezone.now() - timedelta(days=180)
        ),
        purpose="Reviewing the company's application for a wholesale account.",
    )
)
