"""The personal-data registry: each app declares, in its own `personal_data.py`, which of its models
hold personal data, how to find a person's rows, which fields to export, how to erase them, and how
long to keep them. The privacy features (export, erasure, retention purges) work from this registry
only, so a model that is not registered is a model they would miss: a test fails for any model with
an encrypted field that is missing here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class PersonalData:
    """How one model's personal data is found, exported, erased and kept."""

    model: type[Model]
    #: the rows about a person (a user)
    rows_of: Callable[[Any], QuerySet]
    #: the fields a person receives in their export
    export_fields: tuple[str, ...]
    #: anonymise or delete one row when its person is erased (what the law keeps stays)
    erase: Callable[[Any], None]
    #: how long rows are kept after they stop being needed, and which rows that time has passed for
    retention: timedelta | None = None
    expired: Callable[[], QuerySet] | None = None
    #: why the rows are kept (shown in the privacy centre and to staff)
    purpose: str = ""


_registry: dict[type[Model], PersonalData] = {}


def register(entry: PersonalData) -> None:
    """Declare a model's personal data (call from the app's `personal_data.py`)."""
    if entry.model in _registry:
        raise ValueError(f"{entry.model.__name__} is registered twice")
    _registry[entry.model] = entry


def entries() -> list[PersonalData]:
    """Every registered model, in registration order."""
    return list(_registry.values())


def is_registered(model: type[Model]) -> bool:
    return model in _registry


def autodiscover() -> None:
    """Import each installed app's `personal_data` module."""
    autodiscover_modules("personal_data")
