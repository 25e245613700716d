"""Use cases of white-label shipping.

`consignees`: who an order ships to; `shipments`: the state machine, the jobs and staff actions;
`notices`: the emails. What can go wrong, with stable codes, is in `shipping.errors` (re-exported here).
"""

from shipping.errors import *  # noqa: F403
from shipping.services.consignees import *  # noqa: F403
from shipping.services.shipments import *  # noqa: F403
