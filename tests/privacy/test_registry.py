"""Every model that stores personal data encrypted is declared in the personal-data registry."""

import pytest
from django.apps import apps
from encrypted_model_fields.fields import EncryptedMixin

from merchants.models import Application, User
from privacy import registry
from tests.merchants.factories import ApplicationFactory


def models_with_encrypted_fields():
    return sorted(
        (model for model in apps.get_models() if any(isinstance(f, EncryptedMixin) for f in model._meta.fields)),
        key=lambda model: model._meta.label,
    )


def test_every_model_with_an_encrypted_field_is_registered():
    found = models_with_encrypted_fields()
    assert User in found
    assert Application in found
    missing = [model._meta.label for model in found if not registry.is_registered(model)]
    assert missing == [], f"declare these in their app's personal_data.py: {missing}"


@pytest.mark.django_db
def test_registered_rows_and_erasure_reach_the_person_and_nobody_else():
    application = ApplicationFactory(contact_name="Sara Al-Otaibi")
    other = ApplicationFactory(contact_name="Someone Else")
    entry = next(e for e in registry.entries() if e.model is Application)
    rows = list(entry.rows_of(application.applicant))
    assert rows == [application]
    entry.erase(rows[0])
    application.refresh_from_db()
    other.refresh_from_db()
    assert (application.contact_name, application.contact_phone, application.address) == ("", "", "")
    assert other.contact_name == "Someone Else"
    assert set(entry.export_fields) <= {f.name for f in Application._meta.fields}
