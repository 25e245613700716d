"""Staff admin of people and companies, and the review of applications."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from merchants import services
from merchants.access import user_of
from merchants.forms import ReviewNoteForm
from merchants.models import Application, ApplicationEvent, Membership, Merchant, MerchantSettingChange, User
from portal.admin_tools import HistoryInline
from portal.http import client_ip


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "is_staff", "is_active", "language", "date_joined")
    list_filter = ("is_staff", "is_active", "groups", "language")
    search_fields = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "language")}),
        # No is_superuser: roles (groups) are permissions only, and a superuser would bypass the reserved ones.
        (_("Access"), {"fields": ("is_active", "is_staff", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


class SettingChangeInline(HistoryInline):
    model = MerchantSettingChange


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("code", "legal_name", "trade_name", "country", "currency", "status", "created_at")
    list_filter = ("status", "country")
    search_fields = ("code", "legal_name", "trade_name")
    readonly_fields = ("code", "created_at", "may_name_as_partner")
    inlines = (MembershipInline, SettingChangeInline)


class EventInline(HistoryInline):
    model = ApplicationEvent


class QueueFilter(admin.SimpleListFilter):
    """Reviewers land on the queue: submitted applications, oldest first."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("queue", _("Review queue")), *Application.Status.choices, ("all", _("All"))]

    def choices(self, changelist: Any):  # noqa: ANN201 - Django's generator of filter links
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "queue") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value() or "queue"
        if value == "queue":
            return queryset.filter(status=Application.Status.SUBMITTED)
        if value == "all":
            return queryset
        return queryset.filter(status=value)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("pk", "legal_name", "country", "status", "submitted_at", "decided_at")
    list_filter = (QueueFilter, "country")
    search_fields = ("legal_name", "trade_name", "registration_number", "vat_number")
    ordering = ("submitted_at", "pk")
    inlines = (EventInline,)
    change_form_template = "admin/merchants/application/change_form.html"
    fields = (
        "status",
        "applicant",
        *Application.APPLICANT_FIELDS,
        "language",
        "question",
        "answer",
        "rejection_reason",
        "merchant",
        "submitted_at",
        "decided_at",
        "document_links",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Reviewers decide through the actions below; nobody edits what the applicant sent.
        return self.fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("Supporting documents"))
    def document_links(self, obj: Application) -> str:
        return (
            format_html_join(
                mark_safe("<br>"),  # noqa: S308 - a constant
                '<a href="{}">{}</a>',
                ((reverse("merchants:document", args=[d.pk]), d.original_name) for d in obj.documents.all()),
            )
            or "—"
        )

    def get_urls(self) -> list:
        decide = self.admin_site.admin_view
        return [
            *(
                path(
                    f"<int:pk>/{action}/",
                    decide(self.decision_view),
                    {"action": action},
                    name=f"merchants_application_{action}",
                )
                for action in DECISIONS
            ),
            *super().get_urls(),
        ]

    def decision_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        """Approve, reject or ask: a form with the note (why), then the same service as everywhere."""
        if not request.user.has_perm("merchants.decide_application"):
            raise PermissionDenied
        application = get_object_or_404(Application, pk=pk)
        title, label, required = DECISIONS[action]
        form = ReviewNoteForm(request.POST if request.method == "POST" else None)
        form.fields["text"].label, form.fields["text"].required = label, required
        if request.method == "POST" and form.is_valid():
            self._decide(request, application, action, form.cleaned_data["text"])
            return HttpResponseRedirect(reverse("admin:merchants_application_change", args=[application.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "application": application,
            "action": action,
            "opts": self.model._meta,
        }
        return render(request, "admin/merchants/application/note.html", context)

    def _decide(self, request: HttpRequest, application: Application, action: str, text: str) -> None:
        ip, pk = client_ip(request), application.pk
        try:
            if action == "approve":
                merchant = services.approve_application(application_id=pk, reviewer=user_of(request), note=text, ip=ip)
            elif action == "reject":
                services.reject_application(application_id=pk, reviewer=user_of(request), reason=text, ip=ip)
            else:
                services.ask_for_information(application_id=pk, reviewer=user_of(request), question=text, ip=ip)
        except services.MerchantsError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)
        else:
            if action == "approve":
                self.message_user(request, _("Approved: merchant %(code)s created.") % {"code": merchant.code})
            self.message_user(request, _("Done. The applicant has been emailed."))


#: action -> (page title, label of the note, whether the note is required)
DECISIONS = {
    "approve": (_("Approve the application"), _("Note for the record (optional)"), False),
    "reject": (_("Reject the application"), _("Reason (the applicant sees it)"), True),
    "ask": (_("Ask the applicant for more information"), _("Your question"), True),
}
