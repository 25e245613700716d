"""Staff admin of the audit trail: the staff access log, security events and the disclosure ledger."""

from __future__ import annotations

from django.contrib import admin

from audit.admin_tools import PersonalDataAdminMixin, ReadOnlyAdmin
from audit.models import Disclosure, SecurityEvent, StaffAccess


@admin.register(StaffAccess)
class StaffAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "staff", "action", "model", "object_id", "unmasked", "ip_address")
    list_filter = ("action", "unmasked", "model")
    search_fields = ("staff__email", "model", "object_id", "ip_address")
    date_hierarchy = "at"
    list_select_related = ("staff",)


@admin.register(SecurityEvent)
class SecurityEventAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ("at", "kind", "user", "ip_address")
    list_filter = ("kind",)
    search_fields = ("ip_address", "user__email", "username_hash")
    date_hierarchy = "at"
    list_select_related = ("user",)


@admin.register(Disclosure)
class DisclosureAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ("at", "recipient", "recipient_name", "merchant", "order", "purpose")
    list_filter = ("recipient", "recipient_name")
    search_fields = ("merchant__code", "recipient_name", "purpose")
    date_hierarchy = "at"
    list_select_related = ("merchant", "order")
