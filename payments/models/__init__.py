"""Payments: the eligibility registry, payment attempts and their records, provider events, bank transfers.

Money received and money returned are rows (`Payment`, `Refund`), never a status flag: an order's payment
state (unpaid, partially paid, paid, partially refunded, refunded) is derived from them
(`payments.selectors.payment_summary`). `methods`: the eligibility registry; `attempts`: attempts,
payments, refunds and the payment history; `events`: provider events; `transfers`: bank transfers.
"""

from __future__ import annotations

from payments.models.attempts import OrderPayment, Payment, PaymentAction, PaymentAttempt, Refund
from payments.models.events import ProviderEvent
from payments.models.methods import (
    CODES,
    PAYMENTS_DOC,
    PaymentMethod,
    PaymentMethodChange,
    PaymentMethodLimit,
    Provider,
    split_codes,
)
from payments.models.transfers import BankTransfer, Reconciliation, TransferProof, _proof_path

__all__ = [
    "BankTransfer",
    "CODES",
    "OrderPayment",
    "PAYMENTS_DOC",
    "Payment",
    "PaymentAction",
    "PaymentAttempt",
    "PaymentMethod",
    "PaymentMethodChange",
    "PaymentMethodLimit",
    "Provider",
    "ProviderEvent",
    "Reconciliation",
    "Refund",
    "TransferProof",
    "_proof_path",
    "split_codes",
]
