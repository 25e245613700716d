"""Staff admin of the privacy domain, and the mixin that logs and masks personal data in every admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from portal.admin_tools import HistoryInline, ReadOnlyAdmin
from portal.http import client_ip
from privacy import registry
from privacy.forms import DecisionForm
from privacy.models import (
    ConsentChange,
    DataExport,
    Disclosure,
    ErasureRequest,
    Incident,
    IncidentEvent,
    PolicyAcceptance,
    PolicyVersion,
    SecurityAlert,
    SecurityEvent,
    StaffAccess,
)
from privacy.services import erasure, incidents, policies
from privacy.services.access_log import record_staff_access
from privacy.services.errors import PrivacyError

MASK = "••••••"
MASKED_SUFFIX = "__masked"
PERSONAL_DATA_PERMISSION = "privacy.view_personal_data"


class PersonalDataAdminMixin:
    """For the ModelAdmin of a model in the personal-data registry: every change view (and list) a staff
    member opens is recorded in the staff access log, and staff without the `view_personal_data`
    permission see the encrypted and personal fields masked (read-only, never in the form)."""

    model: type[Model]

    def _personal(self) -> registry.PersonalData | None:
        return registry.entry_for(self.model)

    #: the permission that shows this admin's personal fields unmasked
    personal_data_permission = PERSONAL_DATA_PERMISSION

    def _masked(self, request: HttpRequest) -> set[str]:
        entry = self._personal()
        if entry is None or request.user.has_perm(self.personal_data_permission):
            return set()
        return set(entry.masked_fields())

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: "<field>__masked" is a read-only column showing a mask.
        if name.endswith(MASKED_SUFFIX) and not name.startswith("_"):
            field_name = name[: -len(MASKED_SUFFIX)]
            model_field: Any = self.model._meta.get_field(field_name)

            def masked(obj: Any) -> str:
                return MASK if getattr(obj, model_field.attname, None) not in (None, "") else "—"

            masked.short_description = model_field.verbose_name  # type: ignore[attr-defined]
            return masked
        raise AttributeError(name)

    def _swap(self, request: HttpRequest, names: Any) -> list[Any]:
        masked = self._masked(request)
        swapped: list[Any] = []
        for name in names:
            if isinstance(name, list | tuple):
                swapped.append(tuple(self._swap(request, name)))
            else:
                swapped.append(f"{name}{MASKED_SUFFIX}" if name in masked else name)
        return swapped

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)  # type: ignore[misc]
        return fields if obj is None else self._swap(request, fields)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if obj is None:  # an add form holds nothing yet
            return fieldsets
        return [
            (title, {**options, "fields": self._swap(request, options.get("fields", ()))})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = super().get_readonly_fields(request, obj)  # type: ignore[misc]
        if obj is None:
            return readonly
        readonly = [n for n in readonly if n not in self._masked(request)]
        return (*readonly, *(f"{name}{MASKED_SUFFIX}" for name in sorted(self._masked(request))))

    def get_list_display(self, request: HttpRequest) -> Any:
        return self._swap(request, super().get_list_display(request))  # type: ignore[misc]

    def get_list_display_links(self, request: HttpRequest, list_display: Any) -> Any:
        links = super().get_list_display_links(request, list_display)  # type: ignore[misc]
        return self._swap(request, links) if links else links

    def get_search_fields(self, request: HttpRequest) -> Any:
        masked = self._masked(request)
        return [f for f in super().get_search_fields(request) if f.split("__")[0] not in masked]  # type: ignore[misc]

    def get_ordering(self, request: HttpRequest) -> Any:
        masked = self._masked(request)
        return [  # expressions (F("deadline").asc(nulls_last=True)) never name a masked field by text: kept
            f
            for f in (super().get_ordering(request) or ())  # type: ignore[misc]
            if not isinstance(f, str) or f.lstrip("-") not in masked
        ]

    def render_change_form(
        self, request: HttpRequest, context: dict, *args: Any, obj: Any = None, **kwargs: Any
    ) -> Any:
        masked = self._masked(request)
        if obj is not None and masked:
            shown = str(obj)
            if any(str(value) in shown for name in masked if (value := getattr(obj, name, None))):
                label = f"{self.model._meta.verbose_name} #{obj.pk}"
                context = {**context, "subtitle": label, "original": _MaskedRecord(obj, label)}
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)  # type: ignore[misc]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        if request.method == "GET" and response.status_code == 200 and self._personal() is not None:
            record_staff_access(
                staff=request.user,
                model=self.model._meta.label_lower,
                object_id=object_id,
                action=StaffAccess.Action.VIEW,
                unmasked=not self._masked(request),
                ip_address=client_ip(request),
            )
        return response

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        if request.method == "GET" and response.status_code == 200 and self._personal() is not None:
            record_staff_access(
                staff=request.user,
                model=self.model._meta.label_lower,
                object_id="",
                action=StaffAccess.Action.LIST,
                unmasked=not self._masked(request),
                ip_address=client_ip(request),
            )
        return response


class _MaskedRecord:
    """A record seen through the admin's templates with a neutral name (its own name holds personal data)."""

    def __init__(self, record: Any, label: str) -> None:
        self._record, self._label = record, label

    def __getattr__(self, name: str) -> Any:
        return getattr(self._record, name)

    def __str__(self) -> str:
        return self._label


def protect_registered_admins(site: admin.AdminSite) -> None:
    """Give every admin of a model in the personal-data registry the logging and masking mixin.

    Apps may use `PersonalDataAdminMixin` themselves; this catches those that do not, so no admin of
    personal data escapes the access log.
    """
    for model, model_admin in list(site._registry.items()):
        if registry.is_registered(model) and not isinstance(model_admin, PersonalDataAdminMixin):
            cls = type(model_admin)
            protected = type(cls.__name__, (PersonalDataAdminMixin, cls), {"__module__": cls.__module__})
            site.unregister(model)
            site.register(model, protected)


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


@admin.register(SecurityAlert)
class SecurityAlertAdmin(ReadOnlyAdmin):
    list_display = ("at", "rule", "message", "recipients", "sent_at")
    list_filter = ("rule",)
    date_hierarchy = "at"


@admin.register(Disclosure)
class DisclosureAdmin(PersonalDataAdminMixin, ReadOnlyAdmin):
    list_display = ("at", "recipient", "recipient_name", "merchant", "order", "purpose")
    list_filter = ("recipient", "recipient_name")
    search_fields = ("merchant__code", "recipient_name", "purpose")
    date_hierarchy = "at"
    list_select_related = ("merchant", "order")


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
                policies.publish(version=version, by=request.user)
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
                    erasure.approve(erasure=item, by=request.user, note=note, request=request)
                else:
                    erasure.reject(erasure=item, by=request.user, note=note)
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
            incidents.open_incident(incident=obj, by=request.user)

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
                incidents.move(incident, to=to, by=request.user, note=form.cleaned_data["note"])
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
