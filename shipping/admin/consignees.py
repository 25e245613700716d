"""Consignees in the admin: masked in the list for everyone; in full (with their items) only for the fulfilment
role, and every such look is written to the staff access log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.admin_tools import PersonalDataAdminMixin
from portal.admin_tools import ReadOnlyAdmin
from shipping import masking
from shipping.admin.permissions import DETAILS_PERMISSION
from shipping.models import Consignee, ConsigneeItem


class ItemInline(admin.TabularInline):
    model = ConsigneeItem
    extra = 0
    can_delete = False
    readonly_fields = ("line", "quantity")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consignee)
class ConsigneeAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    """Masked in the list; in full only for fulfilment (`view_consignee_details`), each view logged."""

    list_display = ("__str__", "order", "masked_name", "masked_phone", "country", "created_at")
    list_select_related = ("order",)
    list_filter = ("country",)
    search_fields = ("order__reference",)
    fields = (
        "order",
        "number",
        "name",
        "phone",
        "email",
        "address_line1",
        "address_line2",
        "city",
        "postal_code",
        "country",
        "created_at",
        "erased_at",
    )
    readonly_fields = fields
    inlines = (ItemInline,)

    # Consignees have their own, narrower permission: only the fulfilment role reads them in full.
    personal_data_permission = DETAILS_PERMISSION

    @admin.display(description=_("name"))
    def masked_name(self, consignee: Consignee) -> str:
        return masking.mask_name(consignee.name)

    @admin.display(description=_("phone"))
    def masked_phone(self, consignee: Consignee) -> str:
        return masking.mask_phone(consignee.phone)
