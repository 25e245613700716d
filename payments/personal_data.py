"""Payments' personal data, declared for the privacy features (see audit/registry.py).

Payments, refunds and proofs of transfer are the company's accounting records: the law keeps them, so
erasing a member leaves them whole (the link to the member points at the anonymised account). The client
address recorded with the payment history is exported to the member and masked in the admin. Card details
never reach us; Tabby and Tamara receive the buyer's contact details, recorded in the disclosure ledger.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.registry import COMPANY, PersonalData, keep_row, register
from payments.models import PaymentAction, PaymentAttempt, TransferProof

register(
    PersonalData(
        model=PaymentAttempt,
        rows_of=lambda person: PaymentAttempt.objects.filter(created_by=person).select_related("order"),
        export_fields=("order", "number", "provider", "method_used", "status", "amount", "currency", "created_at"),
        erase=keep_row,
        retained_fields=("order", "number", "provider", "method_used", "status", "amount", "currency", "created_at"),
        purpose=_("The payments you started for your company's orders, kept as accounting law requires."),
        scope=COMPANY,
    )
)

register(
    PersonalData(
        model=TransferProof,
        rows_of=lambda person: TransferProof.objects.filter(uploaded_by=person).select_related("transfer"),
        export_fields=("transfer", "original_name", "content_type", "size", "uploaded_at"),
        erase=keep_row,
        retained_fields=("transfer", "file", "original_name", "content_type", "size", "uploaded_at"),
        purpose=_("The proofs of bank transfer you sent for your company's orders, kept as accounting law requires."),
        scope=COMPANY,
    )
)

register(
    PersonalData(
        model=PaymentAction,
        rows_of=lambda person: PaymentAction.objects.filter(by=person).select_related("order"),
        export_fields=("order", "action", "amount", "currency", "source", "ip_address", "at"),
        erase=keep_row,
        personal_fields=("ip_address",),  # where an action came from: masked for staff without the permission
        retained_fields=("order", "action", "amount", "currency", "source", "note", "at"),
        purpose=_("The payment history of your company's orders: who did what, and when."),
        scope=COMPANY,
    )
)
