"""Domain errors of shipping: a stable `code` and a translated message for the person who acts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from portal import state
from portal.errors import DomainError


class ShippingError(DomainError):
    code = "shipping_error"
    message: Any = _("This shipping action could not be done.")


class NotWhiteLabel(ShippingError):
    code = "not_white_label"
    message = _("This order is delivered to your own address: it has no consignees.")


class ConsigneesLocked(ShippingError):
    code = "consignees_locked"
    message = _("Shipping has started for this order: its consignees can no longer change.")


class OrderNotPaid(ShippingError):
    code = "order_not_paid"
    message = _("Shipping starts once the order is paid.")


class IllegalTransition(ShippingError, state.IllegalTransition):
    code = "illegal_transition"
    message = _("A shipment cannot move from “%(current)s” to “%(target)s”.")


class TrackingNumberNeeded(ShippingError):
    code = "tracking_number_needed"
    message = _("Type the courier's tracking number to hand this parcel over.")


class SlipBlocked(ShippingError):
    """The slip or label would name the store (or cannot be made white-label): nothing is released."""

    code = "leak"
    message = _("Blocked: the document shows %(what)s. Correct the brand kit, then retry the shipment.")


class NoBrandKit(SlipBlocked):
    code = "no_brand_kit"
    message = _(
        "Blocked: the merchant has no active brand kit, so the slip would have no sender. "
        "Ask the merchant to add one, then retry the shipment."
    )


class CarrierFailed(ShippingError):
    code = "carrier_failed"
    message = _("The carrier refused: %(reason)s")


class ParcelLost(ShippingError):
    code = "parcel_lost"
    message = _("The carrier reports the parcel lost (%(status)s). Check with the carrier, then retry the shipment.")


class TrackingFailed(ShippingError):
    code = "tracking_failed"
    message = _("The carrier's tracking could not be read: %(reason)s. It is tried again at the next pull.")


class NoticeWithheld(ShippingError):
    """The consignee's email would name the store: it is not sent, and staff are told."""

    code = "leak_notice"
    message = _(
        "The consignee's email was not sent: it shows %(what)s. The parcel is booked; correct the brand kit "
        "or the notice sender address, then tell the consignee another way."
    )


class BookingStillLive(ShippingError):
    """A booking we abandoned could not be cancelled: a retry would book a second live parcel."""

    code = "booking_live"
    message = _(
        "The booking %(reference)s is still live at the carrier: cancel it with the carrier, then mark the "
        "shipment “cancelled at the carrier” before retrying it."
    )
