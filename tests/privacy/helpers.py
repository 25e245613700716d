"""Builders for the privacy tests: a member with personal data in every corner of the portal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client

from audit.disclosures import Category, Recipient, record_disclosure
from merchants.models import Application, ApplicationDocument, Invitation, Membership
from orders.services.carts import cart_for, checkout, set_quantity
from tests.factories import MerchantFactory
from tests.merchants.factories import ApplicationFactory, verified_user
from tests.orders.factories import ProductFactory

# Values that must be found in the export and must be gone after erasure.
EMAIL = "layla.sentinel@example.test"
FULL_NAME = "Layla Sentinelbenali"
PHONE = "+966555010203"
ADDRESS = "7 Rue Sentinelle, Casablanca"
SENTINELS = (EMAIL, FULL_NAME, PHONE, ADDRESS, "Sentinelbenali", "Rue Sentinelle", "555010203")


@dataclass
class Member:
    user: Any
    merchant: Any
    application: Application
    order: Any
    client: Client


def member_with_data(*, language: str = "en") -> Member:
    """A verified member of an approved merchant, with an application, a document, an order, a disclosure,
    an invitation, a failed sign-in and a session: personal data in as many registered places as possible."""
    user = verified_user(EMAIL, full_name=FULL_NAME, language=language)
    merchant = MerchantFactory()
    Membership.objects.create(user=user, merchant=merchant, role=Membership.Role.OWNER)
    application = ApplicationFactory(
        applicant=user,
        contact_name=FULL_NAME,
        contact_phone=PHONE,
        address=ADDRESS,
        status=Application.Status.APPROVED,
        merchant=merchant,
        answer=f"Call {FULL_NAME} on {PHONE}",
    )
    ApplicationDocument.objects.create(
        application=application,
        file=ContentFile(b"%PDF-1.4 registration of " + FULL_NAME.encode(), name="applications/reg.pdf"),
        original_name="registration.pdf",
        content_type="application/pdf",
        size=40,
    )
    other_owner = verified_user()
    Invitation.objects.create(merchant=merchant, email=EMAIL, role=Membership.Role.BUYER, invited_by=other_owner)
    cart = cart_for(merchant=merchant, user=user)
    set_quantity(cart=cart, product=ProductFactory(), quantity=60)
    order = checkout(cart=cart, placed_by=user, delivery_mode="own_address")
    record_disclosure(
        recipient=Recipient.PAYMENT_PROVIDER,
        recipient_name="Stripe",
        categories=[Category.EMAIL, Category.ORDER],
        purpose="Card payment of the order",
        order=order,
        user=user,
    )
    client = Client()
    # A real failed sign-in: django-axes and security monitoring both see it.
    client.post("/accounts/login/", {"login": EMAIL, "password": "not the password"})
    client.force_login(user)
    return Member(user=user, merchant=merchant, application=application, order=order, client=client)
