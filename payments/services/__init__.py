"""Use cases of payments.

`eligibility`: which methods an order is offered and why not the others; `checkout`: starting a payment and
the payer's return; `events`: verified provider events, stored once, processed once; `records`: the attempt's
transition table and the recording of money; `refunds`; `transfers`: the Saudi bank transfer; `registry`:
finance's rule changes; `notices`: the merchant's emails.
"""

from payments.errors import (
    IllegalTransition,
    InvalidEvent,
    MalformedEvent,
    MethodNotOffered,
    NothingToPay,
    OrderNotPayable,
    PaymentError,
    ProviderRejected,
    ProviderUnavailable,
    RefundNotAllowed,
    RefundUnconfirmed,
    TransferError,
)
from payments.services.checkout import (
    handle_return,
    is_checkout_provider,
    start_payment,
    stripe_amount,
    stripe_client_secret,
)
from payments.services.eligibility import (
    Decision,
    Eligibility,
    PaymentOptions,
    Reason,
    eligibility_for,
    eligible_methods,
    payment_options,
)
from payments.services.events import (
    poke_invoice,
    process_event,
    receive_event,
    record_invalid_event,
    sweep_unprocessed_events,
    verify_event,
    verify_invoice_callback,
)
from payments.services.notices import send_notice
from payments.services.records import TRANSITIONS, apply_provider_state, apply_state, record_action, settle_order
from payments.services.refunds import refundable, request_refund
from payments.services.registry import record_rule_change, snapshot
from payments.services.transfers import (
    add_proof,
    choose_bank_transfer,
    expire_transfers,
    is_valid_reference,
    reconcile_transfer,
    send_reminders,
    transfer_reference,
)

__all__ = [
    "TRANSITIONS",
    "Decision",
    "Eligibility",
    "IllegalTransition",
    "InvalidEvent",
    "MalformedEvent",
    "MethodNotOffered",
    "NothingToPay",
    "OrderNotPayable",
    "PaymentOptions",
    "PaymentError",
    "ProviderRejected",
    "ProviderUnavailable",
    "Reason",
    "RefundNotAllowed",
    "RefundUnconfirmed",
    "TransferError",
    "add_proof",
    "apply_provider_state",
    "apply_state",
    "choose_bank_transfer",
    "eligibility_for",
    "eligible_methods",
    "expire_transfers",
    "handle_return",
    "is_checkout_provider",
    "is_valid_reference",
    "payment_options",
    "poke_invoice",
    "process_event",
    "receive_event",
    "reconcile_transfer",
    "record_action",
    "record_invalid_event",
    "record_rule_change",
    "refundable",
    "request_refund",
    "send_notice",
    "send_reminders",
    "settle_order",
    "snapshot",
    "start_payment",
    "stripe_amount",
    "stripe_client_secret",
    "sweep_unprocessed_events",
    "transfer_reference",
    "verify_event",
    "verify_invoice_callback",
]
