"""The store's own courier: a label printed here, the tracking number typed by staff at hand-over."""

from __future__ import annotations

from shipping import documents
from shipping.carriers.base import Booking, Parcel, TrackingUpdate


class InHouseCourier:
    code = "in_house"
    name = "In-house courier"
    gives_tracking_number = False
    third_party = False

    def book(self, parcel: Parcel) -> Booking:
        """Nothing to call: print our own address label; the parcel is ours until handed over."""
        return Booking(
            carrier_reference=parcel.reference, tracking_number="", label_pdf=documents.render_address_label(parcel)
        )

    def cancel(self, *, carrier_reference: str) -> None:
        """Nothing was booked outside: the parcel simply stays on the shelf."""

    def track(self, *, carrier_reference: str, tracking_number: str) -> TrackingUpdate | None:
        """Staff record hand-over and delivery in the admin; there is nothing to pull."""
        return None
