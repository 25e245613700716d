"""Unbroken yearly number sequences (order references, invoice and credit-note numbers)."""

from __future__ import annotations

from orders.models import Sequence

__all__ = ["next_in_sequence"]


def next_in_sequence(name: str, year: int) -> int:
    """The next number of an unbroken yearly sequence (call inside a transaction)."""
    sequence, _created = Sequence.objects.select_for_update(of=("self",)).get_or_create(name=name, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last
