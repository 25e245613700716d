"""What the payments admin pages share: the staff permissions they check, money-reading inlines."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy

from orders.money import Money
from portal.admin_tools import HistoryInline

REFUND_PERMISSION = "payments.refund_payment"
RECONCILE_PERMISSION = "payments.reconcile_banktransfer"


class MoneyInline(HistoryInline):
    """A history whose amounts read as money: rounded to the currency's minor unit, with the currency."""

    @admin.display(description=gettext_lazy("amount"))
    def amount_shown(self, row: Any) -> str:
        currency = self.currency_of(row)
        if row.amount is None or not currency:
            return "—" if row.amount is None else str(row.amount)
        return str(Money(row.amount, currency))

    def currency_of(self, row: Any) -> str:
        return row.currency
