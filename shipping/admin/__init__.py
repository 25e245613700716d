"""Staff admin of white-label shipping: the fulfilment queue, slips and labels, moves, retries, progress.

Consignees are listed masked for everyone; their full details (and the slips and labels that print
them) open only for the fulfilment role, and every such look is written to the staff access log.

`consignees` and `shipments` hold the model admins (imported here, so that their registrations happen when the
admin autodiscovers `shipping.admin`); `forms` the forms of the shipment pages; `permissions` the permissions
beyond Django's own.
"""

from shipping.admin.consignees import ConsigneeAdmin, ItemInline
from shipping.admin.permissions import DETAILS_PERMISSION, MOVE_PERMISSION, PRINT_PERMISSION
from shipping.admin.shipments import STAFF_MOVES, EventInline, ShipmentAdmin, WorkFilter

__all__ = [
    "DETAILS_PERMISSION",
    "MOVE_PERMISSION",
    "PRINT_PERMISSION",
    "STAFF_MOVES",
    "ConsigneeAdmin",
    "EventInline",
    "ItemInline",
    "ShipmentAdmin",
    "WorkFilter",
]
