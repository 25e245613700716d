"""What payments refuse, each with a stable code and a message for the person who tried."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from portal import state
from portal.errors import DomainError


class PaymentError(DomainError):
    """A payment rule refused the action; `message` says what happened and what to do next."""

    code = "payment_error"
    message: Any = _("This payment is not possible now.")


class MethodNotOffered(PaymentError):
    code = "method_not_offered"
    message = _("This payment method is not available for this order. Please choose one of the methods shown.")


class NothingToPay(PaymentError):
    code = "nothing_to_pay"
    message = _("This order has nothing left to pay.")


class OrderNotPayable(PaymentError):
    code = "order_not_payable"
    message = _("This order can no longer be paid (it is cancelled, rejected or refunded).")


class ProviderUnavailable(PaymentError):
    """The provider did not answer, or answered with a server error: safe to try again later."""

    code = "provider_unavailable"
    message = _("The payment provider is not answering right now. Please try again in a few minutes.")


class ProviderRejected(PaymentError):
    """The provider refused the request (invalid, declined, not eligible)."""

    code = "provider_rejected"
    message = _("The payment provider refused this payment. Please choose another method or contact us.")


class InvalidEvent(PaymentError):
    """An incoming provider event whose signature, token or shape does not verify: nothing of it is kept."""

    code = "invalid_event"
    message = _("This event could not be verified.")


class RefundNotAllowed(PaymentError):
    code = "refund_not_allowed"
    message = _("This refund is not possible: the amount is more than what remains refundable on this payment.")


class TransferError(PaymentError):
    code = "transfer_error"
    message = _("This bank transfer cannot be changed now.")


class IllegalTransition(PaymentError, state.IllegalTransition):
    """A status move that the table of an attempt, a refund or a bank transfer does not allow."""

    code = "illegal_transition"
    message = _("This payment attempt cannot move to that status.")


class MalformedEvent(InvalidEvent):
    """A correctly signed event whose content is not what the provider documents: refused, not a forgery."""

    code = "malformed_event"


class RefundUnconfirmed(PaymentError):
    """The refund was sent but the provider's answer was lost: it stays pending, its key kept for a safe retry."""

    code = "refund_unconfirmed"
    message = _(
        "The payment provider did not confirm this refund. It stays pending until the provider confirms it; "
        "to send it again safely, request the same amount on the same payment."
    )
