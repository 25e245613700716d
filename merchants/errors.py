"""What the merchants domain refuses, each with a stable `code` and a message for the person who tried."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from portal import state
from portal.errors import DomainError


class MerchantsError(DomainError):
    """A refused use case: `code` is stable, `message` is for the person."""

    code = "merchants_error"
    message: Any = _("This action is not possible.")


class IllegalTransition(MerchantsError, state.IllegalTransition):
    code = "illegal_transition"
    message = _("This application cannot move to that state now.")


class OwnApplication(MerchantsError):
    code = "own_application"
    message = _("You cannot decide your own application.")


class LastOwner(MerchantsError):
    code = "last_owner"
    message = _("A company must keep at least one owner.")


class InvitationInvalid(MerchantsError):
    code = "invitation_invalid"
    message = _("This invitation link is not valid or has expired. Ask an owner to invite you again.")


class InvitationForAnotherEmail(MerchantsError):
    code = "invitation_other_email"
    message = _("This invitation was sent to another email address. Sign in with that address to accept it.")


class AlreadyMember(MerchantsError):
    code = "already_member"
    message = _("This person is already a member of the company.")


class DocumentMissing(MerchantsError):
    code = "document_missing"
    message = _("Add at least one supporting document before submitting.")


class TooManyDocuments(MerchantsError):
    code = "too_many_documents"
    message = _("An application can have at most 10 documents.")
