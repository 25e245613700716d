"""Admin building blocks of the audit trail, for every app's admin: records shown but never edited, and the
mixin that logs and masks personal data (given to every admin of a registered model by
`protect_registered_admins`)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model
from django.http import HttpRequest

from audit import registry
from audit.access_log import record_staff_access
from audit.http import client_ip
from audit.models import StaffAccess


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed, searched and shown, never added, edited or deleted through the admin's forms: records kept as
    evidence, or objects that change only through their domain's own actions (custom admin views)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


MASK = "••••••"
MASKED_SUFFIX = "__masked"
PERSONAL_DATA_PERMISSION = "audit.view_personal_data"


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
                staff=cast(AbstractBaseUser, request.user),  # admin pages: a signed-in staff member
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
                staff=cast(AbstractBaseUser, request.user),  # admin pages: a signed-in staff member
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
