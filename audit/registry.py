"""The personal-data registry: each app declares, in its own `personal_data.py`, which of its models
hold personal data, how to find a person's rows, which fields to export, how to erase them, what the
law makes us keep, and how long to keep the rest. The privacy features (what-we-hold page, export,
erasure, retention purges, masking in the admin, key rotation) work from this registry only, so a
model that is not registered is a model they would miss: a test fails for any model with an
encrypted field that is missing here.

An app's `personal_data.py` looks like this::

    from audit.registry import PersonalData, blank_fields, register

    register(
        PersonalData(
            model=Consignee,
            rows_of=lambda person: Consignee.objects.filter(shipment__order__placed_by=person),
            export_fields=("name", "phone", "address", "city", "country"),
            erase=blank_fields("name", "phone", "address"),
            retained_fields=("country",),  # customs records
            retention=timedelta(days=90),
            expired=lambda: Consignee.objects.filter(delivered_at__lt=timezone.now() - timedelta(days=90)),
            on_expiry=ERASE,
            purpose=_("Delivering the merchant's orders to their customers."),
        )
    )

`audit.apps.AuditConfig.ready()` imports every app's `personal_data` module (like the admin's
autodiscovery), so declaring is enough.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Field, Model, QuerySet
from django.utils.module_loading import autodiscover_modules
from encrypted_model_fields.fields import EncryptedMixin

#: What `purge_expired` does with an expired row.
DELETE = "delete"
ERASE = "erase"

#: Whose data a row is: the person's own, or their company's (shown apart in the privacy centre).
PERSON = "person"
COMPANY = "company"


@dataclass(frozen=True)
class PersonalData:
    """How one model's personal data is found, exported, erased and kept."""

    model: type[Model]
    #: the rows about a person (a user): ``person -> QuerySet``
    rows_of: Callable[[Any], QuerySet]
    #: the fields a person receives in their export (and sees in the privacy centre)
    export_fields: tuple[str, ...]
    #: anonymise or delete one row when its person is erased; fields in `retained_fields` stay
    erase: Callable[[Any], None]
    #: fields the law obliges us to keep after erasure (invoices, orders, tax records)
    retained_fields: tuple[str, ...] = ()
    #: personal fields deliberately left out of the export (secrets such as TOTP keys), with the reason in `purpose`
    withheld_fields: tuple[str, ...] = ()
    #: how long rows are kept once no longer needed, and which rows that time has passed for (``() -> QuerySet``)
    retention: timedelta | None = None
    expired: Callable[[], QuerySet] | None = None
    #: what the retention purge does with an expired row: DELETE it, ERASE it (anonymise, keep the rest), or a
    #: function of the row (e.g. delete its files, then the row)
    on_expiry: str | Callable[[Any], None] = DELETE
    #: why the rows are held (shown in the privacy centre and to staff); a lazy translation
    purpose: Any = ""
    #: PERSON (about the person) or COMPANY (about their merchant company)
    scope: str = PERSON
    #: extra fields that are personal though not encrypted (e.g. an email kept clear as a login); masked in the admin
    personal_fields: tuple[str, ...] = field(default=())
    #: COMPANY scope: the lookup from a row to its merchant ("merchant", "order__merchant"). A member's erasure
    #: changes the company's rows only if no other member remains: the company still works with them.
    company_field: str = ""

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def export_rows(self, person: Any) -> QuerySet:
        """The rows about `person`, with the related rows their export fields name fetched in the same query
        (the privacy centre and the export show them by name: one query per entry, not one per row)."""
        related = [
            name
            for name in self.export_fields
            if (model_field := self.model._meta.get_field(name)).is_relation
            and model_field.concrete
            and not model_field.many_to_many
        ]
        rows = self.rows_of(person)
        return rows.select_related(*related) if related else rows

    def masked_fields(self) -> tuple[str, ...]:
        """The fields that staff without the personal-data permission see masked."""
        names = [f.name for f in encrypted_fields(self.model)]
        return tuple(dict.fromkeys([*names, *self.personal_fields]))


_registry: dict[type[Model], PersonalData] = {}


def register(entry: PersonalData) -> None:
    """Declare a model's personal data (call from the app's `personal_data.py`)."""
    if entry.scope == COMPANY and entry.erase is not keep_row and not entry.company_field:
        raise ValueError(
            f"{entry.model.__name__}: a company's rows erased with a member need company_field, so that they are "
            "erased only when the company has no other member"
        )
    if entry.model in _registry:
        raise ValueError(f"{entry.model.__name__} is registered twice")
    if not callable(entry.on_expiry) and entry.on_expiry not in {DELETE, ERASE}:
        raise ValueError(f"{entry.model.__name__}: on_expiry must be DELETE or ERASE")
    if (entry.retention is None) != (entry.expired is None):
        raise ValueError(f"{entry.model.__name__}: give both retention and expired, or neither")
    names = {f.name for f in entry.model._meta.get_fields()}
    unknown = set(entry.export_fields + entry.retained_fields + entry.withheld_fields) - names
    if unknown:
        raise ValueError(f"{entry.model.__name__}: unknown fields {sorted(unknown)}")
    _registry[entry.model] = entry


def entries() -> list[PersonalData]:
    """Every registered model, in registration order."""
    return list(_registry.values())


def entry_for(model: type[Model]) -> PersonalData | None:
    """The declaration of `model`, if it holds personal data."""
    return _registry.get(model)


def is_registered(model: type[Model]) -> bool:
    return model in _registry


def encrypted_fields(model: type[Model]) -> list[Field]:
    """The model's fields stored encrypted (django-encrypted-model-fields)."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]


def blank_fields(*names: str, **values: Any) -> Callable[[Any], None]:
    """An `erase` that empties the named fields (and sets `values`) on the row and saves it."""

    def erase(row: Any) -> None:
        for name in names:
            model_field = row._meta.get_field(name)
            setattr(row, name, None if model_field.null else "")
        for name, value in values.items():
            setattr(row, name, value(row) if callable(value) else value)
        row.save(update_fields=[*names, *values])

    return erase


def delete_row(row: Any) -> None:
    """An `erase` that deletes the row."""
    row.delete()


def keep_row(row: Any) -> None:
    """An `erase` for records kept whole (they hold no personal value beyond the link to the person)."""


def autodiscover() -> None:
    """Import each installed app's `personal_data` module."""
    autodiscover_modules("personal_data")
