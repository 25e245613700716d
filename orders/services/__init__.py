"""Use cases of the orders domain. `placing`: rates, the minimum rule, orders; `carts`: the cart."""

from orders.services.carts import *  # noqa: F403
from orders.services.placing import *  # noqa: F403
