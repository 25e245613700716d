"""Input of branding, with translated errors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branding import kit_guard
from branding.artwork import PRINT_MIN_SIDE
from branding.models import KIND_FIELDS, BrandingRequest

HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
MAX_REFERENCE_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(uploads) > MAX_REFERENCE_FILES:
            raise forms.ValidationError(
                _("Send at most %(count)s files at once."), code="too_many_files", params={"count": MAX_REFERENCE_FILES}
            )
        return [super(MultipleFileField, self).clean(item, initial) for item in uploads]


class BrandingRequestForm(forms.ModelForm):
    reference_files = MultipleFileField(
        label=_("Reference files"),
        required=False,
        help_text=_(
            "Your current logo, photos, examples you like: PNG, JPEG, WebP, PDF or SVG (without scripts), "
            "up to 15 MB each."
        ),
    )

    class Meta:
        model = BrandingRequest
        fields = (
            *KIND_FIELDS,
            "brief",
            "target_market",
            "languages",
            "colours",
            "quantities",
            "deadline",
        )
        widgets = {
            "brief": forms.Textarea(attrs={"rows": 5}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "brief": _("What you need, for which products, the feeling you want, what to avoid."),
            "target_market": _("Where and to whom you sell, e.g. gift shops in Riyadh."),
            "languages": _("Languages to appear on the designs, e.g. Arabic and English."),
            "colours": _("Colours you use or want, e.g. #0b5d3b, gold."),
            "quantities": _("How many boxes, bags, labels or cards, e.g. 2,000 boxes."),
        }

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."), code="past_deadline")
        return deadline

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(kind) for kind in KIND_FIELDS):
            raise forms.ValidationError(
                _("Choose at least one kind of work: logo, packaging, conditioning or printing."), code="no_kind"
            )
        return cleaned

    def kind_fields(self) -> list[forms.BoundField]:
        """The checkboxes of the kinds of work, shown together."""
        return [self[name] for name in KIND_FIELDS]

    def detail_fields(self) -> list[forms.BoundField]:
        """Every other field, in order."""
        return [field for field in self if field.name not in KIND_FIELDS]

    def request_data(self) -> dict[str, Any]:
        """The request's fields, without the files."""
        return {name: value for name, value in self.cleaned_data.items() if name != "reference_files"}


class ChangesForm(forms.Form):
    note = forms.CharField(label=_("What should change?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)


def clean_colours(value: str) -> str:
    """Hex colours separated by commas, normalised to '#aabbcc, #ddeeff'."""
    parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    wrong = [part for part in parts if not HEX_COLOUR.match(part)]
    if wrong:
        raise forms.ValidationError(
            _("Give colours as hex codes separated by commas, e.g. #0b5d3b, #c9a227 (not: %(wrong)s)."),
            code="bad_colour",
            params={"wrong": ", ".join(wrong[:3])},
        )
    return ", ".join(part.lower() for part in parts)


class BrandKitForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
    )
    sender_name = forms.CharField(
        label=_("Sender name"), max_length=200, help_text=_("The name your customers see on the parcel.")
    )
    return_address = forms.CharField(label=_("Return address"), widget=forms.Textarea(attrs={"rows": 3}))
    colours = forms.CharField(
        label=_("Colours"), max_length=200, required=False, help_text=_("Hex codes, e.g. #0b5d3b, #c9a227.")
    )
    slip_message = forms.CharField(
        label=_("Message on the packing slip"),
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    insert_text = forms.CharField(
        label=_("Optional insert"),
        required=False,
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A card placed in each parcel: a thank-you note, care instructions."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["logo"].help_text = gettext(
            "PNG, JPEG, WebP or SVG, at least %(minimum)s pixels on its longer side. "
            "Leave empty to keep the current logo."
        ) % {"minimum": PRINT_MIN_SIDE}

    def clean_colours(self) -> str:
        return clean_colours(self.cleaned_data.get("colours", ""))

    def clean(self) -> dict[str, Any]:
        """Refuse, field by field, any text that shows the store (its name, address, domain...)."""
        cleaned = super().clean() or {}
        values = {name: cleaned[name] for name in kit_guard.TEXT_FIELDS if isinstance(cleaned.get(name), str)}
        labels = {name: str(self.fields[name].label) for name in kit_guard.TEXT_FIELDS}
        refused, together = kit_guard.refused_fields(values, labels)
        for name, error in refused.items():
            self.add_error(name, error)
        if together is not None:
            self.add_error(None, together)
        return cleaned


class QuoteForm(forms.Form):
    price = forms.DecimalField(label=_("Price (SAR)"), min_value=0, max_digits=12, decimal_places=2)
    lead_days = forms.IntegerField(label=_("Lead time (days)"), min_value=1, max_value=365)
    rounds = forms.IntegerField(label=_("Revision rounds included"), min_value=0, max_value=20, initial=2)
    note = forms.CharField(
        label=_("Note to the merchant"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )


class ProofForm(forms.Form):
    file = forms.FileField(label=_("Proof file"), help_text=_("PNG, JPEG, WebP, PDF or SVG (drawn to PNG)."))
    artwork = forms.FileField(
        label=_("Logo artwork"),
        required=False,
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["artwork"].help_text = gettext(
            "For a logo request whose proof is a PDF: the logo alone as an image, "
            "at least %(minimum)s pixels on its longer side."
        ) % {"minimum": PRINT_MIN_SIDE}


class AdvanceForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to cancel: the merchant reads it."),
    )

    def __init__(self, *args: Any, choices: Sequence[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices  # type: ignore[attr-defined]
