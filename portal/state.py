"""The one state-machine helper: a transition table per life cycle and one `move` that uses it.

Each life cycle (an order, a payment attempt, a refund, a bank transfer, a shipment, a branding request,
an application, an erasure request, an incident) declares one `Machine` beside its services::

    ORDER = Machine(
        model=Order,
        transitions={Order.Status.AWAITING_PAYMENT: {Order.Status.PAID, ...}, ...},
        error=IllegalTransition,           # the domain's subclass of portal.state.IllegalTransition
        record=_record_order_event,        # writes the domain's history row
    )
    order = ORDER.move(order.pk, to=Order.Status.PAID, by=user, source="admin", note="...")

`move` opens a transaction, locks the row (`select_for_update(of=("self",))`), checks the table, saves the
status (and any `changes` given), records the event and returns the locked row. `apply` does the same for a
row the caller has already locked, inside its own transaction. Nobody writes `obj.status` anywhere else.

Locks always come in one order for the whole project: merchant, then order, then payment attempt, then
shipment. And no call over the network (providers, carriers, shops, webhooks out, email) is made while
a row lock is held: read or send first, then lock, re-check and record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from portal.errors import DomainError

M = TypeVar("M", bound=models.Model)


class IllegalTransition(DomainError):
    """A move the life cycle's table does not allow. Each domain subclasses it with its own `code` and
    message (for example `orders.errors.IllegalTransition`, code `order_illegal_transition`), so callers
    may catch this one class for every machine or the domain's class for one."""

    code = "illegal_transition"
    message = _("This cannot move to that status now.")

    def __init__(self, message: Any = None, *, current: str = "", target: str = "", **params: Any) -> None:
        self.current = current
        self.target = target
        super().__init__(message, current=current, target=target, **params)


@dataclass(frozen=True)
class Move:
    """What `record` is told about one move."""

    before: str
    after: str
    #: the acting user (the project's user model, which `portal` may not name)
    by: AbstractBaseUser | None = None
    source: str = ""
    note: str = ""
    ip: str | None = None
    #: what else the domain's history row needs (for example the named action of a branding request)
    details: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def lock(model: type[M], pk: Any, *, related: Iterable[str] = ()) -> M:
    """The row of `model` with primary key `pk`, locked for the transaction the caller holds.

    `of=("self",)` always: a bare `select_for_update()` with `select_related` would lock the joined rows too
    and break the project's lock order (merchant, order, payment attempt, shipment)."""
    queryset = model._default_manager.select_for_update(of=("self",))
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=pk)


@dataclass(frozen=True)
class Machine(Generic[M]):
    """One life cycle: `model.<field>` moves only along `transitions`."""

    model: type[M]
    transitions: Mapping[str, Iterable[str]]
    error: type[IllegalTransition] = IllegalTransition
    record: Callable[[M, Move], None] | None = None
    field: str = "status"
    related: tuple[str, ...] = ()
    table: Mapping[str, frozenset[str]] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = {
            str(state): frozenset(str(target) for target in targets) for state, targets in self.transitions.items()
        }
        values = {str(value) for value, _label in self.choices()}
        missing = values - set(table)
        unknown = {target for targets in table.values() for target in targets} - values | set(table) - values
        if missing or unknown:
            raise ValueError(
                f"{self.model.__name__}.{self.field}: states {sorted(missing)} have no row, "
                f"{sorted(unknown)} are unknown"
            )
        object.__setattr__(self, "table", table)

    # --- reading the table -------------------------------------------------------------------------------

    def choices(self) -> list[tuple[Any, Any]]:
        column = self.model._meta.get_field(self.field)
        return list(getattr(column, "choices", None) or [])

    def states(self) -> list[str]:
        """Every state, in the order of the model's choices."""
        return [str(value) for value, _label in self.choices()]

    def allowed(self, current: str) -> frozenset[str]:
        """The states reachable from `current` in one move."""
        return self.table[str(current)]

    def allows(self, current: str, to: str) -> bool:
        return str(to) in self.table[str(current)]

    def label(self, state: str) -> str:
        return str(dict(self.choices()).get(state, state))

    def check(self, current: str, to: str) -> None:
        """Raise the domain's `IllegalTransition` unless the table allows `current` -> `to`."""
        if not self.allows(current, to):
            raise self.error(current=self.label(current), target=self.label(to))

    def constraint(self, name: str) -> models.CheckConstraint:
        """A database check that the status column only ever holds one of the model's states."""
        return models.CheckConstraint(condition=models.Q(**{f"{self.field}__in": self.states()}), name=name)

    # --- moving ------------------------------------------------------------------------------------------

    def lock(self, pk: Any) -> M:
        return lock(self.model, pk, related=self.related)

    def apply(
        self,
        row: M,
        *,
        to: str,
        by: AbstractBaseUser | None = None,
        source: str = "",
        note: str = "",
        ip: str | None = None,
        changes: Mapping[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> M:
        """Move a row the caller has locked in its open transaction: check, save, record."""
        before = str(getattr(row, self.field))
        self.check(before, to)
        setattr(row, self.field, str(to))
        fields = [self.field]
        for name, value in (changes or {}).items():
            setattr(row, name, value)
            fields.append(name)
        if any(f.name == "updated_at" for f in row._meta.concrete_fields):
            fields.append("updated_at")
        row.save(update_fields=fields)
        if self.record is not None:
            move = Move(before=before, after=str(to), by=by, source=source, note=note, ip=ip, details=details or {})
            self.record(row, move)
        return row

    def move(
        self,
        row_or_pk: M | Any,
        *,
        to: str,
        by: AbstractBaseUser | None = None,
        source: str = "",
        note: str = "",
        ip: str | None = None,
        changes: Mapping[str, Any] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> M:
        """Lock the row, check the table, save and record the move, in one transaction."""
        pk = row_or_pk.pk if isinstance(row_or_pk, models.Model) else row_or_pk
        with transaction.atomic():
            row = self.lock(pk)
            return self.apply(row, to=to, by=by, source=source, note=note, ip=ip, changes=changes, details=details)
