"""Use cases of the orders domain.

`placing`: rates, the minimum rule, orders; `lifecycle`: the order's status, its named actions and locks;
`carts`: the cart; `invoices`: invoices.
"""

from orders.errors import *  # noqa: F403
from orders.services.carts import *  # noqa: F403
from orders.services.catalogue import *  # noqa: F403
from orders.services.invoices import *  # noqa: F403
from orders.services.lifecycle import *  # noqa: F403
from orders.services.placing import *  # noqa: F403
from orders.services.rates import *  # noqa: F403
