"""Staff admin of the privacy domain (the mixin that logs and masks personal data is audit.admin_tools')."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from audit.admin_tools import MASKED_SUFFIX, PersonalDataAdminMixin, ReadOnlyAdmin
from merchants.access import user_of
from portal.admin_tools import HistoryInline
from privacy.errors import PrivacyError
from privacy.forms import DecisionForm
from privacy.models import (
    ConsentChange,
    DataExport,
    ErasureRequest,
    Incident,
    IncidentEvent,
    PolicyAcceptance,
    PolicyVersion,
    SecurityAlert,
)
from privacy.services import erasure, incidents, policies


@admin.register(SecurityAlert)
class SecurityAlertAdmin(ReadOnlyAdmin):
    list_display = ("at", "rule", "message", "recipients", "sent_at")
    list_filter = ("rule",)
    date_hierarchy = "at"


@admin.register(ConsentChange)
class ConsentChangeAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ("at", "user", "purpose", "granted", "source")
    list_filter = ("purpose", "granted", "source")
    search_fields = ("user__email",)
    list_select_related = ("user",)


@admin.register(PolicyAcceptance)
class PolicyAcceptanceAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ("at", "user", "version", "method")
    list_filter = ("method", "version__kind")
    search_fields = ("user__email",)
    list_select_related = ("user", "version")


@admin.register(DataExport)
class DataExportAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ("requested_at", "user", "status", "ready_at", "expires_at", "download_count")
    list_filter = ("status",)
    list_select_related = ("user",)
    exclude = ("file_name",)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("kind", "version", "effective_at", "published_at", "published_by")
    list_filter = ("kind",)
    change_form_template = "admin/privacy/policyversion/change_form.html"
    fields = (
        "kind",
        "effective_at",
        "summary_en",
        "summary_fr",
        "summary_ar",
        "body_en",
        "body_fr",
        "body_ar",
        "version",
        "published_at",
        "published_by",
    )
    readonly_fields = ("version", "published_at", "published_by")

    def get_readonly_fields(self, request: HttpRequest, obj: PolicyVersion | None = None) -> Any:
        # A published version is what members accepted: it never changes.
        if obj is not None and obj.is_published:
            return self.fields
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: PolicyVersion | None = None) -> bool:
        return obj is None or not obj.is_published

    def save_model(self, request: HttpRequest, obj: PolicyVersion, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = policies.create_draft(
            kind=obj.kind,
            effective_at=obj.effective_at,
            bodies={lang: getattr(obj, f"body_{lang}") for lang in ("en", "fr", "ar")},
            summaries={lang: getattr(obj, f"summary_{lang}") for lang in ("en", "fr", "ar")},
        )
        obj.pk, obj.version = created.pk, created.version

    def get_urls(self) -> list:
        return [
            path(
                "<int:pk>/publish/", self.admin_site.admin_view(self.publish_view), name="privacy_policyversion_publish"
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Confirm, then publish: from its effective date members see it at their next visit."""
        if not request.user.has_perm("privacy.publish_policyversion"):
            raise PermissionDenied
        version = get_object_or_404(PolicyVersion, pk=pk)
        if request.method == "POST":
            try:
                policies.publish(version=version, by=user_of(request))
            except PrivacyError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, _("Published. Members will see it from its effective date."))
            return HttpResponseRedirect(reverse("admin:privacy_policyversion_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Publish %(version)s") % {"version": version},
            "version": version,
            "previous": policies.previous(version),
            "diff": policies.diff_html(
                (policies.previous(version) or PolicyVersion(body_en="")).body_en, version.body_en
            ),
            "opts": self.model._meta,
        }
        return render(request, "admin/privacy/policyversion/publish.html", context)


#: erasure decision -> (page title, note label, note required)
ERASURE_DECISIONS = {
    "approve": (_("Approve and erase now"), _("Note for the record (optional)"), False),
    "reject": (_("Refuse the erasure"), _("Reason (the member receives it)"), True),
}


@admin.register(ErasureRequest)
class ErasureRequestAdmin(PersonalDataAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "user", "status", "requested_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("user__email",)
    list_select_related = ("user", "decided_by")
    change_form_template = "admin/privacy/erasurerequest/change_form.html"
    fields = (
        "user",
        "status",
        "reason",
        "language",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "outcome",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f"{n}{MASKED_SUFFIX}" if n in self._masked(request) else n for n in self.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list:
        return [
            *(
                path(
                    f"<int:pk>/{action}/",
                    self.admin_site.admin_view(self.decision_view),
                    {"action": action},
                    name=f"privacy_erasurerequest_{action}",
                )
                for action in ERASURE_DECISIONS
            ),
            *super().get_urls(),
        ]

    def decision_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        """Approve (erase now) or refuse with a reason; the member is emailed the outcome."""
        if not request.user.has_perm("privacy.decide_erasurerequest"):
            raise PermissionDenied
        item = get_object_or_404(ErasureRequest, pk=pk)
        title, label, required = ERASURE_DECISIONS[action]
        form = DecisionForm(request.POST or None)
        form.fields["note"].label, form.fields["note"].required = label, required
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["note"]
            try:
                if action == "approve":
                    erasure.approve(erasure=item, by=user_of(request), note=note, request=request)
                else:
                    erasure.reject(erasure=item, by=user_of(request), note=note)
            except PrivacyError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, _("Done. The member has been emailed the outcome."))
            return HttpResponseRedirect(reverse("admin:privacy_erasurerequest_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "item": item,
            "action": action,
            "opts": self.model._meta,
        }
        return render(request, "admin/privacy/decision.html", context)


class IncidentEventInline(HistoryInline):
    model = IncidentEvent


#: incident stage -> (button label, note label)
INCIDENT_STEPS: dict[str, tuple[Any, Any]] = {
    Incident.Status.CONTAINED: (_("Mark contained"), _("How it was contained")),
    Incident.Status.NOTIFIED: (_("Notify the affected merchants"), _("Note for the record (optional)")),
    Incident.Status.CLOSED: (_("Close"), _("Conclusion and follow-up")),
}


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("pk", "title", "severity", "status", "detected_at", "contained_at", "notified_at", "closed_at")
    list_filter = ("status", "severity")
    search_fields = ("title",)
    autocomplete_fields = ("affected_merchants",)
    readonly_fields = ("status", "contained_at", "notified_at", "closed_at", "notices_sent", "reported_by")
    inlines = (IncidentEventInline,)
    change_form_template = "admin/privacy/incident/change_form.html"

    def save_model(self, request: HttpRequest, obj: Incident, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            incidents.open_incident(incident=obj, by=user_of(request))

    def get_urls(self) -> list:
        return [
            path("<int:pk>/step/<str:to>/", self.admin_site.admin_view(self.step_view), name="privacy_incident_step"),
            *super().get_urls(),
        ]

    def step_view(self, request: HttpRequest, pk: int, to: str) -> HttpResponse:
        """Move the incident to its next stage with a note (notifying sends the notice to the merchants)."""
        if not request.user.has_perm("privacy.manage_incident"):
            raise PermissionDenied
        incident = get_object_or_404(Incident, pk=pk)
        if to not in INCIDENT_STEPS:
            raise PermissionDenied
        title, label = INCIDENT_STEPS[to]
        form = DecisionForm(request.POST or None)
        form.fields["note"].label = label
        if request.method == "POST" and form.is_valid():
            try:
                incidents.move(incident, to=to, by=user_of(request), note=form.cleaned_data["note"])
            except PrivacyError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(request, _("Done."))
            return HttpResponseRedirect(reverse("admin:privacy_incident_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "item": incident,
            "action": to,
            "opts": self.model._meta,
        }
        return render(request, "admin/privacy/decision.html", context)

    def render_change_form(self, request: HttpRequest, context: dict, *args: Any, **kwargs: Any) -> Any:
        original = context.get("original")
        if original is not None:
            context["next_steps"] = [
                (to, INCIDENT_STEPS[to][0])
                for to in incidents.INCIDENT.allowed(original.status)
                if to in INCIDENT_STEPS
            ]
        return super().render_change_form(request, context, *args, **kwargs)
