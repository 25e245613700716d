"""Use cases of branding.

`workflow`: the request's transition table, `move`, quotes, proofs, changes, approval, comments;
`kits`: brand kit versions; `notices`: the emails each side receives; what is refused lives in `branding.errors`.
"""

from branding.errors import (
    ArtworkMissing,
    BrandingError,
    IllegalTransition,
    NoKind,
    NotLatestVersion,
    NotStaffMove,
    UnknownKitVersion,
    UnknownVersion,
)
from branding.services.kits import kit_from_approved_proof, restore_brand_kit, upload_brand_kit
from branding.services.workflow import (
    REQUEST,
    STAFF_MOVES,
    TRANSITIONS,
    add_comment,
    advance,
    answer_quote,
    approve_proof,
    file_request,
    lock_request,
    move,
    request_changes,
    send_proof,
    send_quote,
    withdraw_request,
)

__all__ = [
    "REQUEST",
    "STAFF_MOVES",
    "TRANSITIONS",
    "ArtworkMissing",
    "BrandingError",
    "IllegalTransition",
    "NoKind",
    "NotLatestVersion",
    "NotStaffMove",
    "UnknownKitVersion",
    "UnknownVersion",
    "add_comment",
    "advance",
    "answer_quote",
    "approve_proof",
    "file_request",
    "kit_from_approved_proof",
    "lock_request",
    "move",
    "request_changes",
    "restore_brand_kit",
    "send_proof",
    "send_quote",
    "upload_brand_kit",
    "withdraw_request",
]
