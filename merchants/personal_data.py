"""The merchants domain's personal data, declared for the privacy features (see audit/registry.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.registry import COMPANY, PersonalData, blank_fields, delete_row, keep_row, register
from merchants.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    Invitation,
    Membership,
    Merchant,
    MerchantSettingChange,
    User,
)

#: a sign-up whose email is never verified is removed after this long
UNVERIFIED_SIGN_UP_DAYS = 14
#: a draft application never submitted is removed after this long
ABANDONED_APPLICATION_DAYS = 180
#: a refused application, and its documents, are removed this long after the decision
REJECTED_APPLICATION_DAYS = 365
#: an invitation nobody accepted is removed after this long
STALE_INVITATION_DAYS = 30


def _ago(days: int) -> Any:
    return timezone.now() - timedelta(days=days)


def _erase_user(user: User) -> None:
    user.full_name = ""
    user.email = f"erased-{user.pk}@invalid.example"
    user.is_active = False
    user.set_unusable_password()
    user.save()


def _unverified_sign_ups() -> Any:
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return (
        User.objects.filter(is_staff=False, date_joined__lt=_ago(UNVERIFIED_SIGN_UP_DAYS), last_login__isnull=True)
        .exclude(Exists(verified))
        .exclude(memberships__isnull=False)
        .exclude(applications__status__in=[s for s in Application.Status.values if s != Application.Status.DRAFT])
        .distinct()
    )


register(
    PersonalData(
        model=User,
        rows_of=lambda person: User.objects.filter(pk=person.pk),
        export_fields=("email", "full_name", "language", "date_joined", "last_login"),
        erase=_erase_user,
        retained_fields=("date_joined",),
        retention=timedelta(days=UNVERIFIED_SIGN_UP_DAYS),
        expired=_unverified_sign_ups,
        purpose=_("Signing you in and reaching you about your account."),
        personal_fields=("email",),
    )
)


def _erase_document(document: ApplicationDocument) -> None:
    document.file.delete(save=False)
    document.delete()


def _delete_documents(application: Application) -> None:
    for document in application.documents.all():
        _erase_document(document)


_blank_contact = blank_fields("contact_name", "contact_phone", "address", "answer")


def _erase_application(application: Application) -> None:
    _delete_documents(application)
    _blank_contact(application)


def _remove_application(application: Application) -> None:
    _delete_documents(application)
    application.delete()


register(
    PersonalData(
        model=Application,
        rows_of=lambda person: Application.objects.filter(applicant=person),
        export_fields=(
            "legal_name",
            "trade_name",
            "country",
            "registration_number",
            "vat_number",
            "address",
            "contact_name",
            "contact_phone",
            "website",
            "product_interests",
            "question",
            "answer",
            "status",
            "submitted_at",
            "decided_at",
        ),
        erase=_erase_application,
        retained_fields=("legal_name", "trade_name", "country", "registration_number", "vat_number", "status"),
        retention=timedelta(days=ABANDONED_APPLICATION_DAYS),
        expired=lambda: Application.objects.filter(
            Q(status=Application.Status.DRAFT, created_at__lt=_ago(ABANDONED_APPLICATION_DAYS))
            | Q(status=Application.Status.REJECTED, decided_at__lt=_ago(REJECTED_APPLICATION_DAYS))
        ),
        on_expiry=_remove_application,
        purpose=_("Reviewing your company's application for a wholesale account."),
    )
)


register(
    PersonalData(
        model=ApplicationDocument,
        rows_of=lambda person: ApplicationDocument.objects.filter(application__applicant=person),
        export_fields=("original_name", "content_type", "size", "uploaded_at"),
        erase=_erase_document,
        purpose=_("Checking your company's registration during the review."),
        personal_fields=("original_name",),
    )
)

register(
    PersonalData(
        model=ApplicationEvent,
        rows_of=lambda person: ApplicationEvent.objects.filter(Q(application__applicant=person) | Q(by=person)),
        export_fields=("action", "note", "ip_address", "at"),
        erase=blank_fields("ip_address"),
        retained_fields=("action", "note", "at"),
        purpose=_("The record of your application's review: who decided what, and when."),
        personal_fields=("ip_address",),
    )
)

register(
    PersonalData(
        model=Merchant,
        rows_of=lambda person: Merchant.objects.filter(memberships__user=person).distinct(),
        export_fields=(
            "code",
            "legal_name",
            "trade_name",
            "country",
            "currency",
            "language",
            "vat_number",
            "registration_number",
            "may_name_as_partner",
            "require_two_factor",
            "created_at",
        ),
        erase=keep_row,
        retained_fields=("code", "legal_name", "trade_name", "country", "vat_number", "registration_number"),
        purpose=_("Your company's account: orders and invoices are issued in its name."),
        scope=COMPANY,
    )
)

register(
    PersonalData(
        model=Membership,
        rows_of=lambda person: Membership.objects.filter(user=person).select_related("merchant"),
        export_fields=("merchant", "role", "created_at"),
        erase=delete_row,
        purpose=_("Your place and role in your company's account."),
    )
)

register(
    PersonalData(
        model=Invitation,
        rows_of=lambda person: Invitation.objects.filter(email__iexact=person.email),
        export_fields=("email", "role", "created_at", "accepted_at"),
        erase=delete_row,
        retention=timedelta(days=STALE_INVITATION_DAYS),
        expired=lambda: Invitation.objects.filter(accepted_at__isnull=True, created_at__lt=_ago(STALE_INVITATION_DAYS)),
        purpose=_("Inviting you to join a company's account."),
        personal_fields=("email",),
    )
)

register(
    PersonalData(
        model=MerchantSettingChange,
        rows_of=lambda person: MerchantSettingChange.objects.filter(by=person),
        export_fields=("setting", "old_value", "new_value", "ip_address", "at"),
        erase=blank_fields("ip_address"),
        retained_fields=("setting", "old_value", "new_value", "at"),
        purpose=_("The record of changes you made to your company's settings."),
        personal_fields=("ip_address",),
    )
)
