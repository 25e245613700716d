"""Input of branding."""

from django import forms
from django.utils.translation import gettext_lazy as _

from branding.models import BrandingRequest


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # noqa: ANN001, ANN201
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class BrandingRequestForm(forms.ModelForm):
    reference_files = MultipleFileField(
        label=_("Reference files"),
        required=False,
        help_text=_("PNG, JPEG, WebP or PDF, up to 15 MB each. SVG is not accepted: export a PNG."),
    )

    class Meta:
        model = BrandingRequest
        fields = (
            "logo",
            "packaging",
            "conditioning",
            "printing",
            "brief",
            "target_market",
            "languages",
            "colours",
            "quantities",
            "deadline",
        )
        widgets = {"brief": forms.Textarea(attrs={"rows": 5}), "deadline": forms.DateInput(attrs={"type": "date"})}


class ChangesForm(forms.Form):
    note = forms.CharField(label=_("What should change?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class BrandKitForm(forms.Form):
    logo = forms.FileField(label=_("Logo"), required=False, help_text=_("PNG, JPEG or WebP, fit for print."))
    sender_name = forms.CharField(label=_("Sender name"), max_length=200)
    return_address = forms.CharField(label=_("Return address"), widget=forms.Textarea(attrs={"rows": 3}))
    colours = forms.CharField(label=_("Colours"), max_length=200, required=False)
    slip_message = forms.CharField(
        label=_("Message on the packing slip"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    insert_text = forms.CharField(label=_("Optional insert"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class QuoteForm(forms.Form):
    price = forms.DecimalField(label=_("Price (SAR)"), min_value=0, decimal_places=2)
    lead_days = forms.IntegerField(label=_("Lead time (days)"), min_value=1)
    rounds = forms.IntegerField(label=_("Revision rounds included"), min_value=0, initial=2)


class ProofForm(forms.Form):
    file = forms.FileField(label=_("Proof file"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AdvanceForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"))
    note = forms.CharField(label=_("Note"), required=False)
