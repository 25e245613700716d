"""Input of the payment pages and of finance's admin actions, with translated messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.models import PaymentMethod, Reconciliation


class ProofForm(forms.Form):
    file = forms.FileField(
        label=_("Proof of transfer"),
        help_text=_("A PDF, PNG or JPEG of the bank's confirmation, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class ReconcileForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Reconciliation.Outcome.choices, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        label=_("Amount received"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=3,
        help_text=_("For a partial receipt; leave blank for the full amount due."),
    )
    bank_reference = forms.CharField(
        label=_("Bank's reference of the credit"),
        max_length=80,
        required=False,
        help_text=_("As it appears on the bank statement; required when money was received."),
    )
    note = forms.CharField(label=_("Note (why)"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome = data.get("outcome")
        if outcome == Reconciliation.Outcome.PARTIAL and not data.get("amount"):
            self.add_error("amount", _("Give the amount received."))
        if outcome in {Reconciliation.Outcome.FULL, Reconciliation.Outcome.PARTIAL} and not data.get("bank_reference"):
            self.add_error("bank_reference", _("Give the bank's reference of the credit."))
        return data


class RefundForm(forms.Form):
    payment = forms.TypedChoiceField(label=_("Payment"), coerce=int)
    amount = forms.DecimalField(
        label=_("Amount to refund"), min_value=Decimal("0.001"), max_digits=14, decimal_places=3
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, payments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["payment"]).choices = payments


class PaymentMethodForm(forms.ModelForm):
    """A method's rules, with the reason for the change (recorded with who and when)."""

    change_reason = forms.CharField(
        label=_("Reason for this change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the method's history with your name and the time."),
    )

    source_url = forms.URLField(label=_("source"), max_length=300, required=False, assume_scheme="https")

    class Meta:
        model = PaymentMethod
        fields = (
            "name",
            "enabled",
            "currencies",
            "buyer_countries",
            "excluded_countries",
            "domestic_only",
            "provider_allows_b2b",
            "contract_allows_b2b",
            "source_url",
            "source_note",
            "unverified",
            "notes",
            "position",
        )
