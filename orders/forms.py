"""Input of the orders domain."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.models import Order


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=100_000)


class QuickOrderForm(forms.Form):
    lines = forms.CharField(
        label=_("Quick order"),
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "ARG-COS-050, 4"}),
        help_text=_("One product a line: SKU, quantity."),
    )


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Two columns: sku, quantity. Up to 2,000 lines."))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 512 * 1024:
            raise forms.ValidationError(_("This file is too large for a cart (512 KB at most)."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("Save the file as CSV in UTF-8 and try again.")) from exc


class CheckoutForm(forms.Form):
    delivery_mode = forms.ChoiceField(
        label=_("Delivery"),
        choices=Order.Delivery.choices,
        widget=forms.RadioSelect,
        initial=Order.Delivery.OWN_ADDRESS,
    )


DATE_INPUT = {"type": "date"}


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Order.Status.choices])
    reference = forms.CharField(label=_("Reference"), required=False, max_length=20)
    placed_from = forms.DateField(label=_("Placed from"), required=False, widget=forms.DateInput(DATE_INPUT))
    placed_until = forms.DateField(label=_("Placed until"), required=False, widget=forms.DateInput(DATE_INPUT))


class StatusChangeForm(forms.Form):
    """Staff: move an order to another status, saying why."""

    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args: object, allowed: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["status"].choices = allowed  # type: ignore[attr-defined]


class ReplacementForm(forms.Form):
    """Staff: a replacement order (exempt from the minimum) for some lines."""

    lines = forms.CharField(
        label=_("Lines to replace"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One product a line: SKU, quantity."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)
