"""Forms of the privacy centre."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from privacy.models import ConsentChange


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, help_text=_("Emails and documents are sent in this language.")
    )


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("New sign-in email"),
        help_text=_("We send a link to this address; it replaces the old one once confirmed."),
    )


class CompanyContactForm(forms.Form):
    """The company's contact details held from its application."""

    contact_name = forms.CharField(label=_("Contact name"), max_length=200)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=32, help_text=_("With the country code, for example +966 50 123 4567.")
    )
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}))


class ConsentForm(forms.Form):
    """One checkbox per purpose; unticked means no."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for purpose, label in ConsentChange.Purpose.choices:
            self.fields[purpose] = forms.BooleanField(label=label, required=False)


class ErasureForm(forms.Form):
    reason = forms.CharField(
        label=_("Anything we should know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account will be closed and my personal data erased, "
            "except what the law obliges the store to keep."
        ),
    )


class DecisionForm(forms.Form):
    """Staff's note on a decision (required when refusing)."""

    note = forms.CharField(label=_("Note to the member"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
