"""The state-machine helper: the table decides, the row is locked, the move is recorded, bad tables refused."""

from __future__ import annotations

import pytest
from django.db import models

from merchants.models import Application
from portal.state import IllegalTransition, Machine, Move


def test_a_table_that_misses_a_state_or_names_an_unknown_one_is_refused_at_declaration():
    states = [value for value, _label in Application.Status.choices]
    with pytest.raises(ValueError, match="have no row"):
        Machine(model=Application, transitions={states[0]: set()})
    complete = {state: set() for state in states}
    with pytest.raises(ValueError, match="unknown"):
        Machine(model=Application, transitions={**complete, states[0]: {"no_such_state"}})


def test_the_constraint_lists_exactly_the_models_states():
    table = {state: set() for state in Application.Status.values}
    machine = Machine(model=Application, transitions=table)
    constraint = machine.constraint("application_status_valid")
    assert isinstance(constraint, models.CheckConstraint)
    assert dict(constraint.condition.children)["status__in"] == list(Application.Status.values)


@pytest.mark.django_db
def test_move_checks_the_table_saves_and_records_and_a_refused_move_changes_nothing():
    from tests.factories import UserFactory

    application = Application.objects.create(applicant=UserFactory(), legal_name="Souk Trading")
    start = application.status
    others = [s for s in Application.Status.values if s != start]
    allowed, refused = others[0], others[1]
    recorded: list[Move] = []
    machine = Machine(
        model=Application,
        transitions={s: ({allowed} if s == start else set()) for s in Application.Status.values},
        record=lambda row, move: recorded.append(move),
    )
    with pytest.raises(IllegalTransition):
        machine.move(application.pk, to=refused)
    application.refresh_from_db()
    assert application.status == start and recorded == []

    machine.move(application, to=allowed, source="test", note="why")
    application.refresh_from_db()
    assert application.status == allowed
    assert recorded == [Move(before=start, after=allowed, by=None, source="test", note="why", ip=None)]
