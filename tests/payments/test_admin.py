"""Finance's admin: the registry with its sources and recorded changes, each order's eligibility with the
reasons, list pages whose query count does not grow with the rows, and no payments for other roles."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from payments.models import PaymentMethod, PaymentMethodChange
from payments.services import choose_bank_transfer
from tests.payments.conftest import place

pytestmark = pytest.mark.django_db


def test_finance_sees_the_registry_with_its_sources_and_what_is_still_to_confirm(staff_client):
    page = staff_client("finance").get(reverse("admin:payments_paymentmethod_changelist")).content.decode()
    assert "https://docs.stripe.com/payments/klarna" in page
    assert "maximum amount" in page  # Klarna's limit is marked to confirm
    change = staff_client("finance").get(
        reverse("admin:payments_paymentmethod_change", args=[PaymentMethod.objects.get(code="klarna").pk])
    )
    assert "PAYMENTS.md" in change.content.decode()


def test_changing_a_rule_needs_a_reason_and_is_recorded_with_who_and_what(staff_client):
    finance = staff_client("finance")
    method = PaymentMethod.objects.get(code="tabby")
    limit = method.limits.get()
    url = reverse("admin:payments_paymentmethod_change", args=[method.pk])
    data = {
        "name": method.name,
        "enabled": "on",
        "currencies": "SAR",
        "buyer_countries": "SA",
        "excluded_countries": "",
        "provider_allows_b2b": "on",
        "source_url": method.source_url,
        "source_note": method.source_note,
        "unverified": "",
        "notes": "",
        "position": method.position,
        "limits-TOTAL_FORMS": "2",
        "limits-INITIAL_FORMS": "1",
        "limits-0-id": limit.pk,
        "limits-0-method": method.pk,
        "limits-0-currency": "SAR",
        "limits-0-minimum": "10",
        "limits-0-maximum": "20000",
        "limits-1-method": method.pk,
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    assert finance.post(url, data).status_code == 200  # no reason given: refused
    response = finance.post(url, {**data, "change_reason": "Tabby confirmed 20,000 SAR for our account"})
    assert response.status_code == 302
    change = PaymentMethodChange.objects.get()
    assert change.by == finance.staff_user
    assert change.changes["limits"][1] == {"SAR": ["10.000", "20000.000"]}
    assert change.changes["unverified"] == ["amount limits, business purchases", ""]


def test_the_order_payment_page_says_why_each_other_method_is_not_offered(staff_client, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk", "pk", "wh"
    order = place(country="FR", currency="USD", subtotal_sar=Decimal("6000"))
    page = staff_client("finance").get(reverse("admin:payments_orderpayment_change", args=[order.pk])).content.decode()
    assert "business purchases" in page  # Klarna, Affirm...
    assert "Only for buyers in SA; this merchant is in FR." in page  # Mada, Tabby, Tamara, bank transfer
    assert "The provider&#x27;s integration is not configured" in page  # the Saudi providers here


def _orders(count: int) -> None:
    for _ in range(count):
        order = place(country="SA", subtotal_sar=Decimal("6000"))
        choose_bank_transfer(order=order, by=order.placed_by)


@pytest.mark.parametrize("name", ["admin:payments_orderpayment_changelist", "admin:payments_banktransfer_changelist"])
def test_list_pages_make_the_same_number_of_queries_for_few_or_many_rows(
    staff_client, settings, name, django_assert_max_num_queries
):
    settings.BANK_TRANSFER_IBAN = "SA0380000000608010167519"
    finance = staff_client("finance")
    _orders(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert finance.get(reverse(name)).status_code == 200
    _orders(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        finance.get(reverse(name))


def test_other_staff_roles_see_no_payments(staff_client):
    designer = staff_client("designer")
    assert designer.get(reverse("admin:payments_orderpayment_changelist")).status_code == 403
    assert designer.get(reverse("admin:payments_paymentmethod_changelist")).status_code == 403


def test_the_order_payment_page_does_not_query_per_history_row(staff_client, settings, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from payments.services.records import record_action
    from tests.factories import MembershipFactory

    settings.BANK_TRANSFER_IBAN = "SA0380000000608010167519"
    finance = staff_client("finance")
    order = place(country="SA", subtotal_sar=Decimal("6000"))
    choose_bank_transfer(order=order, by=order.placed_by)
    url = reverse("admin:payments_orderpayment_change", args=[order.pk])
    with CaptureQueriesContext(connection) as few:
        assert finance.get(url).status_code == 200
    for _ in range(6):  # each by another member: one lookup per row would show
        record_action(order=order, action="note", source="portal", by=MembershipFactory().user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        finance.get(url)
