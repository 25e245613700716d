"""The leak guard on a brand kit, when the merchant saves it.

What a brand kit says is printed on packing slips and labels and sent to consignees, where the store
must never appear. The shipment checks every document again (defence in depth), but the merchant should
learn at once, in its language, which field is refused and why, not after payment from a failed parcel.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal import leak_guard

#: The brand kit's free-text fields, in the order a packing slip prints them.
TEXT_FIELDS = ("sender_name", "return_address", "slip_message", "insert_text", "colours")


def _what(leaks: list[leak_guard.Leak]) -> str:
    return ", ".join(leak.label for leak in leaks)


def refused_fields(
    values: Mapping[str, str], labels: Mapping[str, str]
) -> tuple[dict[str, ValidationError], ValidationError | None]:
    """The kit's text fields that show the store, each with its error; and an error for fields that show it
    only together (a sender name "Maison" above an address starting "du Maroc")."""
    identifiers = leak_guard.store_identifiers()
    refused: dict[str, ValidationError] = {}
    for name in TEXT_FIELDS:
        leaks = leak_guard.find_leaks(values.get(name) or "", identifiers)
        if leaks:
            refused[name] = ValidationError(
                _(
                    "“%(field)s” is refused: it shows %(what)s. Parcels, labels and emails to your customers "
                    "never name the store that ships them: remove it and save again."
                )
                % {"field": labels[name], "what": _what(leaks)},
                code="store_identity",
            )
    together = None
    if not refused:
        leaks = leak_guard.find_leaks("\n".join(values.get(name) or "" for name in TEXT_FIELDS), identifiers)
        if leaks:
            fields = ", ".join(f"“{labels[name]}”" for name in TEXT_FIELDS if values.get(name))
            together = ValidationError(
                _(
                    "Together, %(fields)s show %(what)s. Parcels, labels and emails to your customers never "
                    "name the store that ships them: change one of them and save again."
                )
                % {"fields": fields, "what": _what(leaks)},
                code="store_identity",
            )
    return refused, together


def check_kit_logo(*images: bytes) -> None:
    """Refuse the store's own logo, or a copy of it (re-encoded, resized, recoloured), as a kit's logo."""
    if any(leak_guard.is_store_logo(image) for image in images):
        raise ValidationError(
            _(
                "This logo is refused: it is the store's own logo, or a copy of it. Parcels never show the "
                "store that ships them: upload your own logo."
            ),
            code="store_logo",
        )
