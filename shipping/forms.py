"""Forms of the merchant's consignee pages; the checks themselves live in services.clean_consignee."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from orders.models import OrderLine
from shipping.services import clean_consignee


class ConsigneeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, help_text=_("With the country code, e.g. +966 55 123 4567.")
    )
    email = forms.EmailField(
        label=_("Email"), required=False, help_text=_("Only for the parcel notice, if you choose to send it.")
    )
    address_line1 = forms.CharField(label=_("Address"), max_length=200)
    address_line2 = forms.CharField(label=_("Address (continued)"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100)
    postal_code = forms.CharField(label=_("Postal code"), max_length=16, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=countries)

    def __init__(self, *args: Any, lines: list[OrderLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"qty_{line.pk}"] = forms.IntegerField(
                label=f"{line.name} ({line.sku})", min_value=0, max_value=line.quantity, initial=0, required=False
            )
        self.cleaned_consignee: Any = None

    def address_fields(self) -> list[Any]:
        return [self[name] for name in ConsigneeForm.base_fields]

    def quantity_fields(self) -> list[Any]:
        return [self[f"qty_{line.pk}"] for line in self.lines]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        raw = {name: data.get(name, "") for name in ConsigneeForm.base_fields}
        raw["items"] = {line.pk: data.get(f"qty_{line.pk}") or 0 for line in self.lines}
        try:
            self.cleaned_consignee = clean_consignee(raw, lines=self.lines)
        except ValidationError as exc:
            for field, messages in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


class ConsigneeCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name, phone, email, address_line1, address_line2, city, postal_code, country, items "
            "(e.g. “SKU-1:2; SKU-2:1”). UTF-8, comma or semicolon separated."
        ),
    )


class NotifyForm(forms.Form):
    notify_consignees = forms.BooleanField(label=_("Email each consignee when their parcel is booked"), required=False)
