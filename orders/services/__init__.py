"""Use cases of the orders domain.

`placing`: rates, the minimum rule, orders; `carts`: the cart; `invoices`: invoices and payment.
"""

from orders.services.carts import *  # noqa: F403
from orders.services.catalogue import *  # noqa: F403
from orders.services.invoices import *  # noqa: F403
from orders.services.placing import *  # noqa: F403
from orders.services.rates import *  # noqa: F403
