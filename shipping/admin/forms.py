"""The forms of the shipment admin's pages: a staff move, and the reason given for a retry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shipping.models import Shipment

S = Shipment.Status


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class MoveForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"))
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=64,
        required=False,
        help_text=_("Needed to hand a parcel to the in-house courier."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def __init__(self, *args: Any, allowed: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = allowed  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to") == S.CANCELLED and not (data.get("note") or "").strip():
            self.add_error("note", gettext("Say why the shipment is cancelled."))
        return data
