"""Reads of the privacy domain, always scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit import registry
from audit.models import Disclosure
from merchants.models import User
from privacy.models import DataExport, PolicyVersion
from privacy.services import policies
from privacy.services.exports import export_value

ROWS_SHOWN = 20


@dataclass(frozen=True)
class Holding:
    """One kind of record the portal holds about a person: its title, why, the fields and the first rows."""

    label: str
    title: str
    purpose: str
    scope: str
    headers: list[str]
    rows: list[list[Any]]
    total: int
    retained: list[str]


def holdings_of(*, user: User) -> list[Holding]:
    """What the portal holds about the person and their company, from the personal-data registry."""
    found = []
    for entry in registry.entries():
        rows = list(entry.export_rows(user)[: ROWS_SHOWN + 1])
        if not rows:
            continue
        total = len(rows) if len(rows) <= ROWS_SHOWN else entry.rows_of(user).count()
        meta = entry.model._meta
        found.append(
            Holding(
                label=entry.label,
                title=str(meta.verbose_name_plural),
                purpose=str(entry.purpose),
                scope=entry.scope,
                headers=[_label(meta, name) for name in entry.export_fields],
                rows=[[_shown(row, name) for name in entry.export_fields] for row in rows[:ROWS_SHOWN]],
                total=total,
                retained=[_label(meta, name) for name in entry.retained_fields],
            )
        )
    return found


def _label(meta: Any, name: str) -> str:
    return str(getattr(meta.get_field(name), "verbose_name", name))


def _shown(row: Any, name: str) -> Any:
    """A value as a person reads it: choices by label, related records by name, yes/no, lists joined."""
    display = getattr(row, f"get_{name}_display", None)
    if callable(display):
        return display()
    value = getattr(row, name)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, datetime | date | str | int | float) or value is None:
        return value  # dates are formatted by the template, in the reader's language and time zone
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return export_value(value)


def disclosures_of(*, user: User, merchant: Any) -> QuerySet[Disclosure]:
    """Disclosures about the person, or about their company, newest first."""
    return Disclosure.objects.filter(Q(user=user) | Q(merchant=merchant)).select_related("order").order_by("-at", "-pk")


def exports_of(*, user: User) -> QuerySet[DataExport]:
    """The person's recent exports, newest first."""
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-pk")[:5]


def policies_for(*, user: User) -> list[tuple[PolicyVersion, Any]]:
    """Each policy in force with the person's acceptance of it (or None)."""
    accepted = {a.version_id: a for a in policies.acceptances_of(user=user)}
    result = []
    for kind in PolicyVersion.Kind.values:
        version = policies.in_force(kind)
        if version is not None:
            result.append((version, accepted.get(version.pk)))
    return result


def published_policy_versions() -> QuerySet[PolicyVersion]:
    """Every published policy version, of every kind (the ones a member may accept)."""
    return PolicyVersion.objects.filter(published_at__isnull=False)
