"""Links that later apps put on an order's page (pay it, give its consignees...), without orders knowing them.

Dependencies point one way (`orders` <- `payments`/`shipping`), so the order page cannot name their views.
Each of those apps registers, in its `AppConfig.ready()`, a function that returns the links it offers for
an order and the member looking at it; the order page shows them all, in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orders.models import Order


@dataclass(frozen=True)
class OrderLink:
    label: str
    url: str
    #: the next thing the member has to do (drawn as a button), rather than somewhere to look
    primary: bool = False


LinkProvider = Callable[[Order, Any], list[OrderLink]]
_providers: list[LinkProvider] = []


def register_order_links(provider: LinkProvider) -> LinkProvider:
    """Add `provider(order, membership) -> [OrderLink]` to every order page (idempotent)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def order_links(*, order: Order, membership: Any) -> list[OrderLink]:
    return [link for provider in _providers for link in provider(order, membership)]
