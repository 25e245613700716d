"""What later apps add to orders without orders knowing them: links on an order's page, hooks once it is paid.

Dependencies point one way (`orders` <- `payments`/`shipping`), so orders cannot name their views or tasks.
Each of those apps registers, in its `AppConfig.ready()`:

- a function that returns the links it offers for an order and the member looking at it (the order page
  shows them all, in registration order): `register_order_links(provider)`;
- a hook called when an order has just been paid (`orders.services.mark_paid`, whoever confirmed the
  payment: a provider's event, a reconciled bank transfer, staff in the admin): `register_after_paid(hook)`.
  A hook runs inside the payment's transaction and only *enqueues* its work with `delay_on_commit`, so its
  task runs once the payment is committed. A hook that raises is logged and skipped: it never undoes the
  payment, and the other hooks still run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from orders.models import Order

logger = logging.getLogger(__name__)


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


AfterPaid = Callable[[Order], None]
_after_paid: list[AfterPaid] = []


def register_after_paid(hook: AfterPaid) -> AfterPaid:
    """Call `hook(order)` each time an order is paid (idempotent); the hook enqueues its task on commit."""
    if hook not in _after_paid:
        _after_paid.append(hook)
    return hook


def after_paid_hooks() -> list[AfterPaid]:
    return list(_after_paid)


def run_after_paid(order: Order) -> None:
    """Run every after-paid hook for `order` (inside the payment's transaction); a failing hook is logged."""
    for hook in list(_after_paid):
        try:
            with transaction.atomic():  # a savepoint: a hook's failed query leaves the payment's transaction usable
                hook(order)
        except Exception:
            logger.exception(
                "after-paid hook failed", extra={"order": order.pk, "hook": getattr(hook, "__qualname__", "?")}
            )
