"""Retention: delete or anonymise what the registry says has expired, and report the counts."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from audit import registry
from audit.security import Kind, record_event

logger = logging.getLogger(__name__)


def _expire(entry: registry.PersonalData, row: Any) -> None:
    if callable(entry.on_expiry):
        entry.on_expiry(row)
    elif entry.on_expiry == registry.ERASE:
        entry.erase(row)
    else:
        row.delete()


def purge_expired() -> dict[str, int]:
    """Apply each declaration's expiry to its expired rows; return the number of rows per model label.

    Each row goes in its own transaction: a row another record still protects (an order pointing at a
    sign-up, say) is kept, counted under "<label> (kept)" and logged, and the purge goes on.
    """
    counts: dict[str, int] = {}
    for entry in registry.entries():
        if entry.expired is None:
            continue
        done = kept = 0
        for row in list(entry.expired()):
            try:
                with transaction.atomic():
                    _expire(entry, row)
            except ProtectedError:
                kept += 1
                continue
            done += 1
        counts[entry.label] = done
        if kept:
            counts[f"{entry.label} (kept)"] = kept
            logger.warning("expired rows still referenced", extra={"model": entry.label, "kept": kept})
    record_event(Kind.RETENTION_PURGE, purged={k: v for k, v in counts.items() if v})
    return counts
