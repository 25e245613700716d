"""The life cycles privacy owns (erasure requests, data exports, incidents): each moves only along its one
table, through portal.state, and the database refuses a status it does not know."""

from __future__ import annotations

import itertools

import pytest
from django.db import IntegrityError, transaction

from portal import state
from privacy.errors import IllegalTransition
from privacy.models import DataExport, ErasureRequest, Incident, IncidentEvent
from privacy.services import erasure, exports, incidents
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "to"), list(itertools.product(ErasureRequest.Status.values, ErasureRequest.Status.values))
)
def test_every_pair_of_erasure_statuses_follows_the_one_table(start, to):
    request_ = ErasureRequest.objects.create(user=UserFactory(), status=start)
    staff = StaffFactory()
    if to in erasure.TRANSITIONS[start]:
        moved = erasure.ERASURE.move(request_.pk, to=to, by=staff)
        request_.refresh_from_db()
        assert moved.status == request_.status == to
    else:
        with pytest.raises(IllegalTransition) as refused:
            erasure.ERASURE.move(request_.pk, to=to, by=staff)
        assert isinstance(refused.value, state.IllegalTransition) and refused.value.code == "illegal_transition"
        request_.refresh_from_db()
        assert request_.status == start


@pytest.mark.parametrize(("start", "to"), list(itertools.product(DataExport.Status.values, DataExport.Status.values)))
def test_every_pair_of_export_statuses_follows_the_one_table(start, to):
    export = DataExport.objects.create(user=UserFactory(), status=start)
    if to in exports.TRANSITIONS[start]:
        exports.EXPORT.move(export.pk, to=to)
        export.refresh_from_db()
        assert export.status == to
    else:
        with pytest.raises(IllegalTransition):
            exports.EXPORT.move(export.pk, to=to)
        export.refresh_from_db()
        assert export.status == start


def test_expiring_an_export_twice_keeps_it_expired():
    export = DataExport.objects.create(user=UserFactory(), status=DataExport.Status.READY, file_name="gone.zip.enc")
    exports.expire(export)
    exports.expire(export)
    export.refresh_from_db()
    assert (export.status, export.file_name) == (DataExport.Status.EXPIRED, "")


def test_the_tables_name_every_status():
    assert set(erasure.TRANSITIONS) == set(ErasureRequest.Status.values)
    assert set(exports.TRANSITIONS) == set(DataExport.Status.values)
    assert set(incidents.TRANSITIONS) == set(Incident.Status.values)


def test_the_database_refuses_a_status_it_does_not_know():
    user = UserFactory()
    rows = [
        (ErasureRequest, ErasureRequest.objects.create(user=user)),
        (DataExport, DataExport.objects.create(user=user)),
    ]
    incident = incidents.open_incident(
        incident=Incident(title="Lost laptop", description="Encrypted disk."), by=StaffFactory()
    )
    rows.append((Incident, incident))
    rows.append((IncidentEvent, incident.events.get()))
    for model, row in rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=row.pk).update(status="lost")


def test_an_incident_opens_only_at_the_detected_stage():
    with pytest.raises(IllegalTransition):
        incidents.open_incident(
            incident=Incident(title="x", description="y", status=Incident.Status.CLOSED), by=StaffFactory()
        )
    assert not Incident.objects.exists()
