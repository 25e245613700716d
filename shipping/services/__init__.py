"""Use cases of white-label shipping.

`consignees`: who an order ships to; `moves`: the shipment's state machine, lock and shared helpers; `start`:
one shipment per consignee once the order is paid; `jobs`: the slip, carrier and notice jobs; `staff`: what
fulfilment staff do by hand; `tracking`: where the carriers say the parcels are; `sweep`: what a lost job
needs published again; `notices`: the emails. What can go wrong, with stable codes, is in `shipping.errors`
(re-exported here).
"""

from shipping.errors import *  # noqa: F403
from shipping.services.consignees import *  # noqa: F403
from shipping.services.jobs import *  # noqa: F403
from shipping.services.moves import *  # noqa: F403
from shipping.services.staff import *  # noqa: F403
from shipping.services.start import *  # noqa: F403
from shipping.services.sweep import *  # noqa: F403
from shipping.services.tracking import *  # noqa: F403
