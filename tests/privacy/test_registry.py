"""Every model that stores personal data encrypted is declared in the personal-data registry."""

import pytest
from django.apps import apps
from encrypted_model_fields.fields import EncryptedMixin

from audit import registry
from merchants.models import Application, User
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


def test_a_company_record_erased_with_a_member_must_say_how_it_reaches_the_company():
    from branding.models import BrandKit

    with pytest.raises(ValueError, match="company_field"):
        registry.register(
            registry.PersonalData(
                model=BrandKit,
                rows_of=lambda person: BrandKit.objects.none(),
                export_fields=("sender_name",),
                erase=registry.blank_fields("return_address"),
                scope=registry.COMPANY,
            )
        )


@pytest.mark.django_db
def test_erasing_one_member_leaves_the_company_its_consignees_and_brand_kit_until_the_last_member_goes():
    from branding.models import BrandKit
    from merchants.models import Membership
    from privacy.services.erasure import erase_person
    from shipping.models import Consignee
    from tests.factories import MembershipFactory
    from tests.shipping.helpers import brand_kit, white_label_order, with_consignees

    order, owner = white_label_order(units=2)
    brand_kit(owner)
    with_consignees(order, owner, 2)
    buyer = MembershipFactory(merchant=owner.merchant, role=Membership.Role.BUYER)

    outcome = erase_person(user=buyer.user)
    assert "shipping.consignee" not in outcome and "branding.brandkit" not in outcome
    assert sorted(Consignee.objects.values_list("name", flat=True)) == ["Amina Haddad", "Lucie Martin"]
    assert BrandKit.objects.get(merchant=owner.merchant).return_address

    outcome = erase_person(user=owner.user)  # the last member: the company's data goes with them
    assert outcome["shipping.consignee"]["rows"] == 2
    assert set(Consignee.objects.values_list("name", flat=True)) == {""}
    assert BrandKit.objects.get(merchant=owner.merchant).return_address == ""


@pytest.mark.django_db
def test_branding_requests_and_the_members_files_are_exported_and_go_with_the_last_member():
    from pathlib import Path

    from branding.models import BrandingFile, BrandingRequest
    from merchants.models import Membership
    from privacy.services.erasure import erase_person
    from privacy.services.exports import collect
    from tests.branding.helpers import filed, pdf
    from tests.factories import MembershipFactory

    owner = MembershipFactory(role=Membership.Role.OWNER)
    buyer = MembershipFactory(merchant=owner.merchant, role=Membership.Role.BUYER)
    request = filed(buyer, files=(pdf(name="layla-mockup.pdf"),), brief="Boxes for Layla Sentinel's shop")
    stored = BrandingFile.objects.get(request=request)
    path = Path(stored.file.path)
    assert path.exists()

    sections = collect(user=owner.user)
    assert sections["branding.brandingrequest"]["rows"][0]["brief"] == "Boxes for Layla Sentinel's shop"
    assert sections["branding.brandingfile"]["rows"][0]["original_name"] == "layla-mockup.pdf"

    outcome = erase_person(user=buyer.user)  # the owner stays: the company still works with its requests
    assert "branding.brandingrequest" not in outcome and "branding.brandingfile" not in outcome
    assert BrandingRequest.objects.get(pk=request.pk).brief and path.exists()

    outcome = erase_person(user=owner.user)  # the last member: the brief and the uploaded files go
    assert outcome["branding.brandingrequest"]["rows"] == 1 and outcome["branding.brandingfile"]["rows"] == 1
    request.refresh_from_db()
    stored.refresh_from_db()
    assert request.brief == "" and request.reference and request.requested_by_id == buyer.user_id
    assert not path.exists() and stored.original_name == "" and not stored.file


@pytest.mark.django_db
def test_security_alerts_naming_addresses_are_purged_after_the_security_log_period():
    from datetime import timedelta

    from django.utils import timezone

    from privacy.models import SecurityAlert
    from privacy.personal_data import SECURITY_LOG_DAYS
    from privacy.services.retention import purge_expired

    def alert(days_ago: int) -> SecurityAlert:
        return SecurityAlert.objects.create(
            rule="failure_burst",
            message="5 failed sign-ins or codes from 198.51.100.7 in the last 10 minutes.",
            details={"ip_address": "198.51.100.7"},
            at=timezone.now() - timedelta(days=days_ago),
        )

    old, recent = alert(SECURITY_LOG_DAYS + 1), alert(SECURITY_LOG_DAYS - 1)
    assert registry.entry_for(SecurityAlert) is not None
    assert purge_expired()["privacy.securityalert"] == 1
    assert list(SecurityAlert.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not SecurityAlert.objects.filter(pk=old.pk).exists()
