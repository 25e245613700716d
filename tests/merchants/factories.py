"""Factories of the merchants domain."""

import factory

from merchants.models import Application
from tests.factories import UserFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    applicant = factory.SubFactory(UserFactory)
    legal_name = factory.Sequence(lambda n: f"Applicant Company {n}")
    trade_name = "Souk Select"
    country = "SA"
    registration_number = "1010123456"
    vat_number = "300000000000003"
    address = "King Fahd Road 12, Riyadh"
    contact_name = "Sara Al-Otaibi"
    contact_phone = "+966501234567"
    language = "en"


class SubmittedApplicationFactory(ApplicationFactory):
    status = Application.Status.SUBMITTED
    submitted_at = factory.Faker("date_time_this_month", tzinfo=__import__("datetime").timezone.utc)
