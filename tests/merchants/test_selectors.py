"""The reads the merchants' pages and other apps' access checks rely on, scoped to the person asking."""

from __future__ import annotations

import pytest

from merchants import selectors
from merchants.models import Merchant
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_membership_is_found_only_for_the_users_own_active_company():
    mine = MembershipFactory()
    other = MembershipFactory()
    assert selectors.membership_of(user=mine.user, merchant_id=mine.merchant_id) == mine
    assert selectors.membership_of(user=mine.user, merchant_id=other.merchant_id) is None
    Merchant.objects.filter(pk=mine.merchant_id).update(status=Merchant.Status.SUSPENDED)
    assert selectors.membership_of(user=mine.user, merchant_id=mine.merchant_id) is None


def test_member_count_counts_the_companys_members_only():
    owner = MembershipFactory()
    MembershipFactory(merchant=owner.merchant, role="buyer")
    MembershipFactory()
    assert selectors.member_count(merchant=owner.merchant) == 2
