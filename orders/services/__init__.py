"""Use cases of the orders domain.

`rates`: rates in force and their refresh; `minimums`: the minimum-order rule; `pricing`: the one
pricing function, quantities and VAT; `sequences`: order and invoice numbers; `placing`: placing an
order; `lifecycle`: the order's status, its named actions and locks; `carts`: the cart; `invoices`:
invoices.
"""

from orders.errors import *  # noqa: F403
from orders.services.carts import *  # noqa: F403
from orders.services.catalogue import *  # noqa: F403
from orders.services.invoices import *  # noqa: F403
from orders.services.lifecycle import *  # noqa: F403
from orders.services.minimums import *  # noqa: F403
from orders.services.placing import *  # noqa: F403
from orders.services.pricing import *  # noqa: F403
from orders.services.rates import *  # noqa: F403
from orders.services.sequences import *  # noqa: F403
