"""The permissions of the shipping admin beyond Django's own (declared on the models' `Meta.permissions`)."""

#: consignees in full, and the slips and labels that print them: the fulfilment role only
DETAILS_PERMISSION = "shipping.view_consignee_details"
#: the staff moves of a shipment (hand-over, cancellation...) and its retry
MOVE_PERMISSION = "shipping.move_shipment"
#: printing slips and labels
PRINT_PERMISSION = "shipping.print_shipment"
