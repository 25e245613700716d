"""Use cases of the merchants domain: applications and their review, members, merchant settings.

`applications`: the application, its documents and its review; `members`: invitations and roles;
`merchant_settings`: owner-only settings; `locks`: the merchant's and the application's row locks.
"""

from __future__ import annotations

from merchants.emails import INVITATION_SALT, invitation_token
from merchants.errors import (
    AlreadyMember,
    DocumentMissing,
    IllegalTransition,
    InvitationForAnotherEmail,
    InvitationInvalid,
    LastOwner,
    MerchantsError,
    OwnApplication,
    TooManyDocuments,
)
from merchants.services.applications import (
    ACTIONS,
    APPLICATION,
    COUNTRY_CURRENCY,
    DOCUMENT_KINDS,
    DOCUMENT_MAX_BYTES,
    MAX_DOCUMENTS,
    TRANSITIONS,
    Status,
    add_document,
    answer_question,
    approve_application,
    ask_for_information,
    reject_application,
    remove_document,
    save_application,
    submit_application,
    unused_merchant_code,
)
from merchants.services.locks import lock_application, lock_merchant
from merchants.services.members import (
    INVITATION_MAX_AGE,
    accept_invitation,
    change_role,
    invite_member,
    open_invitation,
    remove_member,
)
from merchants.services.merchant_settings import SETTINGS, change_settings

__all__ = [
    "AlreadyMember",
    "DocumentMissing",
    "IllegalTransition",
    "InvitationForAnotherEmail",
    "InvitationInvalid",
    "LastOwner",
    "MerchantsError",
    "OwnApplication",
    "TooManyDocuments",
    "ACTIONS",
    "APPLICATION",
    "COUNTRY_CURRENCY",
    "DOCUMENT_KINDS",
    "DOCUMENT_MAX_BYTES",
    "INVITATION_MAX_AGE",
    "INVITATION_SALT",
    "MAX_DOCUMENTS",
    "SETTINGS",
    "Status",
    "TRANSITIONS",
    "accept_invitation",
    "add_document",
    "answer_question",
    "approve_application",
    "ask_for_information",
    "change_role",
    "change_settings",
    "invitation_token",
    "invite_member",
    "lock_application",
    "lock_merchant",
    "open_invitation",
    "reject_application",
    "remove_document",
    "remove_member",
    "save_application",
    "submit_application",
    "unused_merchant_code",
]
