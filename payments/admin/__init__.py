"""Finance's side of payments: the eligibility registry, each order's payments (with why a method is not
offered), refunds, bank-transfer reconciliation, provider events.

Every button calls the same services as the portal; every decision is recorded with who, when and why.
`methods`: the eligibility registry; `order_payments`: each order's payments and refunds;
`bank_transfers`: reconciliation; `events`: provider events; `common`: what they share.
"""

from __future__ import annotations

from payments.admin.bank_transfers import BankTransferAdmin, ProofInline, ReconciliationInline, TransferStatusFilter
from payments.admin.common import RECONCILE_PERMISSION, REFUND_PERMISSION, MoneyInline
from payments.admin.events import ProviderEventAdmin
from payments.admin.methods import LimitInline, PaymentMethodAdmin, RuleChangeInline
from payments.admin.order_payments import (
    ActionInline,
    AttemptInline,
    OrderPaymentAdmin,
    PaymentInline,
    PaymentStateFilter,
    RefundInline,
)

__all__ = [
    "ActionInline",
    "AttemptInline",
    "BankTransferAdmin",
    "LimitInline",
    "MoneyInline",
    "OrderPaymentAdmin",
    "PaymentInline",
    "PaymentMethodAdmin",
    "PaymentStateFilter",
    "ProofInline",
    "ProviderEventAdmin",
    "RECONCILE_PERMISSION",
    "REFUND_PERMISSION",
    "ReconciliationInline",
    "RefundInline",
    "RuleChangeInline",
    "TransferStatusFilter",
]
