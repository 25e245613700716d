"""Input of the merchants domain: applications, documents, members, settings."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from merchants.models import Application, Membership

PHONE = re.compile(r"^\+[1-9]\d{7,14}$")

#: VAT number rules by country, where one is known: (pattern, what to tell the applicant).
VAT_RULES: dict[str, tuple[re.Pattern[str], Any]] = {
    "SA": (re.compile(r"^3\d{13}3$"), _("A Saudi VAT number has 15 digits and starts and ends with 3.")),
    "AE": (re.compile(r"^\d{15}$"), _("A UAE tax registration number has 15 digits.")),
    "FR": (re.compile(r"^FR[0-9A-Z]{2}\d{9}$"), _("A French VAT number is FR, 2 characters, then 9 digits.")),
    "DE": (re.compile(r"^DE\d{9}$"), _("A German VAT number is DE followed by 9 digits.")),
    "GB": (re.compile(r"^GB(\d{9}|\d{12})$"), _("A UK VAT number is GB followed by 9 or 12 digits.")),
}


def normalise_vat(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


def validate_vat(country: str, value: str) -> str | None:
    """The error message for a VAT number that breaks its country's rule, if one is known."""
    rule = VAT_RULES.get(country)
    if rule and value and not rule[0].match(value):
        return str(rule[1])
    return None


class ApplicationForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("Country"), choices=[("", "—"), *countries])
    website = forms.URLField(label=_("Website or shop link"), required=False, assume_scheme="https")
    language = forms.ChoiceField(
        label=_("Language of our emails"),
        choices=settings.LANGUAGES,
        help_text=_("We write to you about this application, and later about your account, in this language."),
    )

    class Meta:
        model = Application
        fields = (*Application.APPLICANT_FIELDS, "language")
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "product_interests": forms.Textarea(attrs={"rows": 3}),
            "contact_phone": forms.TextInput(attrs={"placeholder": "+966 5x xxx xxxx", "inputmode": "tel"}),
        }
        help_texts = {"contact_phone": _("International format, starting with + and the country code.")}

    def clean_contact_phone(self) -> str:
        phone = re.sub(r"[\s().\-]", "", self.cleaned_data["contact_phone"])
        if not PHONE.match(phone):
            raise forms.ValidationError(_("Enter the phone number in international format, e.g. +966501234567."))
        return phone

    def clean_vat_number(self) -> str:
        return normalise_vat(self.cleaned_data.get("vat_number", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        error = validate_vat(cleaned.get("country", ""), cleaned.get("vat_number", ""))
        if error:
            self.add_error("vat_number", error)
        return cleaned


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Supporting document"), required=False, help_text=_("PDF, JPEG or PNG, up to 10 MB.")
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    file = forms.FileField(
        label=_("Add a document (optional)"), required=False, help_text=_("PDF, JPEG or PNG, up to 10 MB.")
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.BUYER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MerchantSettingsForm(forms.Form):
    may_name_as_partner = forms.BooleanField(
        label=_("The store may name our company as a partner"),
        required=False,
        help_text=_("Off by default: the store never mentions our collaboration unless we allow it here."),
    )
    require_two_factor = forms.BooleanField(
        label=_("Require two-factor authentication for every member"), required=False
    )


class ReviewNoteForm(forms.Form):
    """Staff: the note of an approval, the reason of a rejection or the question to the applicant."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
