"""Factories of the merchants domain."""

import datetime

import factory
from allauth.account.models import EmailAddress

from merchants.models import Application
from tests.factories import UserFactory


class VerifiedUserFactory(UserFactory):
    """A user whose email address allauth knows as verified (as after the confirmation link)."""

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook
        if create:
            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


def verified_user(email: str | None = None, **fields):
    """A signed-up user with a verified email address."""
    return VerifiedUserFactory(**({"email": email} if email else {}), **fields)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    applicant = factory.SubFactory(VerifiedUserFactory)
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
    submitted_at = factory.Faker("date_time_this_month", tzinfo=datetime.UTC)
