"""What branding refuses, each with a stable code and a message for the person who tried."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from portal import state
from portal.errors import DomainError


class BrandingError(DomainError):
    """A branding rule refused the action; `message` says what to do next."""

    code = "branding_error"
    message: Any = _("This is not possible now.")


class IllegalTransition(BrandingError, state.IllegalTransition):
    """Carries the stages themselves (`current`, `to`), not their labels: the admin shows its own words."""

    code = "illegal_transition"
    message = _("This request cannot move to that stage now.")

    @property
    def to(self) -> str:
        return self.target


class NoKind(BrandingError):
    code = "no_kind"
    message = _("Choose at least one kind of work: logo, packaging, conditioning or printing.")


class UnknownVersion(BrandingError):
    code = "unknown_version"
    message = _("There is no such proof version.")


class NotLatestVersion(BrandingError):
    code = "not_latest_version"
    message = _("A newer proof has been sent since: review the latest version before approving.")


class ArtworkMissing(BrandingError):
    code = "artwork_missing"
    message = _(
        "This request includes a logo: send the proof as an image (PNG, JPEG, WebP or SVG), "
        "or attach the logo artwork beside the PDF."
    )


class NotStaffMove(BrandingError):
    code = "not_staff_move"
    message = _("Staff move a request only to production, to delivered, or cancel it.")


class UnknownKitVersion(BrandingError):
    code = "unknown_kit_version"
    message = _("There is no such brand kit version.")
