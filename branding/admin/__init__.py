"""The designers' side: a board of requests by status and deadline, quotes, proofs, moving forward.

Every button here calls the same services as the merchant portal; each step is recorded with who,
when, from where and why. `requests`: the board and each request; `filters`: the board's filters;
`kits`: brand kits.
"""

from __future__ import annotations

from branding.admin.filters import DeadlineFilter, ExtraRoundsFilter, Status
from branding.admin.kits import BrandKitAdmin
from branding.admin.requests import WORK_PERMISSION, BrandingRequestAdmin, CommentInline, EventInline

__all__ = [
    "BrandKitAdmin",
    "BrandingRequestAdmin",
    "CommentInline",
    "DeadlineFilter",
    "EventInline",
    "ExtraRoundsFilter",
    "Status",
    "WORK_PERMISSION",
]
