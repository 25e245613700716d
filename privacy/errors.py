"""Domain errors of the privacy features: a stable `code` and a translatable message."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from portal import state
from portal.errors import DomainError


class PrivacyError(DomainError):
    """Base of the privacy domain's errors."""

    code = "privacy_error"
    message: Any = _("This could not be done.")


class IllegalTransition(PrivacyError, state.IllegalTransition):
    code = "illegal_transition"
    message = _("This step is not possible from the current stage.")


class AlreadyPublished(PrivacyError):
    code = "already_published"
    message = _("This policy version is already published; publish a new version instead.")


class ExportPending(PrivacyError):
    code = "export_pending"
    message = _("An export is already being prepared; you will get an email when it is ready.")


class ExportLinkExpired(PrivacyError):
    code = "export_link_expired"
    message = _("This download link has expired. Ask for a new export from your privacy centre.")


class ErasurePending(PrivacyError):
    code = "erasure_pending"
    message = _("You have already asked for erasure; our security team is reviewing it.")


class StaffCannotUseErasure(PrivacyError):
    code = "staff_erasure"
    message = _("Staff accounts are closed by an administrator, not through the privacy centre.")


class BackupError(PrivacyError):
    code = "backup_error"
    message = _("The backup could not be written or read.")
