"""Branding requests: the board, quotes, proofs, comments and moving a request forward."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from branding import selectors, services
from branding.admin.filters import DeadlineFilter, ExtraRoundsFilter
from branding.documents import render_proof_sheet
from branding.forms import AdvanceForm, CommentForm, ProofForm, QuoteForm
from branding.models import BrandingRequest, Comment, Proof, RequestEvent
from merchants.access import user_of
from portal.admin_tools import HistoryInline
from portal.http import client_ip

Status = BrandingRequest.Status
WORK_PERMISSION = "branding.work_on_brandingrequest"


class EventInline(HistoryInline):
    model = RequestEvent
    verbose_name_plural = _("history")
    #: designers need what happened and who did it, not the address it came from
    fields = ("action", "status", "by", "note", "extra_round", "at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields)


class CommentInline(HistoryInline):
    model = Comment
    fields = ("author", "body", "at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields)


@admin.register(BrandingRequest)
class BrandingRequestAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "merchant_code",
        "status",
        "deadline_display",
        "kinds_display",
        "rounds_display",
        "created_at",
    )
    list_filter = ("status", DeadlineFilter, ExtraRoundsFilter, "logo", "packaging", "conditioning", "printing")
    ordering = (F("deadline").asc(nulls_last=True), "created_at")
    search_fields = ("reference", "merchant__code")
    list_select_related = ("merchant",)
    list_per_page = 50
    inlines = (CommentInline, EventInline)
    actions = ("start_production", "mark_delivered")
    change_form_template = "admin/branding/brandingrequest/change_form.html"
    change_list_template = "admin/branding/brandingrequest/change_list.html"
    fieldsets = (
        (None, {"fields": ("reference", "merchant", "requested_by", "status", "created_at")}),
        (
            _("Brief"),
            {
                "fields": (
                    ("logo", "packaging", "conditioning", "printing"),
                    "brief",
                    "target_market",
                    "languages",
                    "colours",
                    "quantities",
                    "deadline",
                )
            },
        ),
        (
            _("Quote"),
            {
                "fields": (
                    "quote_price",
                    "quote_lead_days",
                    "quote_note",
                    "revision_rounds_included",
                    "revision_rounds_used",
                    "approved_proof",
                )
            },
        ),
    )
    readonly_fields = (
        "reference",
        "merchant",
        "requested_by",
        "status",
        "created_at",
        "logo",
        "packaging",
        "conditioning",
        "printing",
        "brief",
        "target_market",
        "languages",
        "colours",
        "quantities",
        "deadline",
        "quote_price",
        "quote_lead_days",
        "quote_note",
        "revision_rounds_included",
        "revision_rounds_used",
        "approved_proof",
    )

    @admin.display(description=_("merchant"), ordering="merchant__code")
    def merchant_code(self, obj: BrandingRequest) -> str:
        return obj.merchant.code

    @admin.display(description=_("deadline"), ordering="deadline")
    def deadline_display(self, obj: BrandingRequest) -> str:
        if obj.deadline is None:
            return "—"
        if obj.is_overdue:
            return format_html('<strong class="overdue">{} · {}</strong>', obj.deadline, gettext("overdue"))
        return str(obj.deadline)

    @admin.display(description=_("work"))
    def kinds_display(self, obj: BrandingRequest) -> str:
        return ", ".join(obj.kinds)

    @admin.display(description=_("revision rounds"))
    def rounds_display(self, obj: BrandingRequest) -> str:
        text = f"{obj.revision_rounds_used} / {obj.revision_rounds_included}"
        if obj.extra_rounds:
            return format_html(
                '<strong class="extra-rounds">{} · {}</strong>',
                text,
                gettext("%(count)s extra") % {"count": obj.extra_rounds},
            )
        return text

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not request.user.has_perm(WORK_PERMISSION):
            actions.pop("start_production", None)
            actions.pop("mark_delivered", None)
        return actions

    def _bulk_move(self, request: HttpRequest, queryset: QuerySet, to: str) -> None:
        if not request.user.has_perm(WORK_PERMISSION):
            raise PermissionDenied
        moved, refused = 0, []
        for item in queryset.select_related(None).only("pk", "reference"):
            try:
                services.advance(request_id=item.pk, by=user_of(request), to=to, ip=client_ip(request))
            except services.BrandingError:
                refused.append(item.reference)
            else:
                moved += 1
        if moved:
            self.message_user(request, gettext("%(count)s request(s) moved.") % {"count": moved})
        if refused:
            self.message_user(
                request,
                gettext("Not possible at their stage: %(references)s.") % {"references": ", ".join(refused)},
                level=messages.WARNING,
            )

    @admin.action(description=_("Start production of the selected approved requests"))
    def start_production(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk_move(request, queryset, Status.IN_PRODUCTION)

    @admin.action(description=_("Mark the selected requests in production as delivered"))
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk_move(request, queryset, Status.DELIVERED)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("board/", wrap(self.board_view), name="branding_brandingrequest_board"),
            path("<int:pk>/quote/", wrap(self.quote_view), name="branding_brandingrequest_quote"),
            path("<int:pk>/proof/", wrap(self.proof_view), name="branding_brandingrequest_proof"),
            path("<int:pk>/advance/", wrap(self.advance_view), name="branding_brandingrequest_advance"),
            path("<int:pk>/comment/", wrap(self.comment_view), name="branding_brandingrequest_comment"),
            path(
                "<int:pk>/proofs/<int:version>/sheet.pdf",
                wrap(self.proof_sheet_view),
                name="branding_brandingrequest_proof_sheet",
            ),
            *super().get_urls(),
        ]

    def next_steps(self, request: HttpRequest, item: BrandingRequest) -> list[tuple[str, str]]:
        """The buttons this person may press on this request now, from the transition table."""
        if not request.user.has_perm(WORK_PERMISSION):
            return []
        allowed = services.TRANSITIONS[item.status]
        steps = []
        if Status.QUOTED in allowed:
            steps.append(("quote", gettext("Send a quote")))
        if Status.PROOF_SENT in allowed:
            steps.append(("proof", gettext("Send a proof")))
        if allowed & services.STAFF_MOVES:
            steps.append(("advance", gettext("Move the request forward")))
        steps.append(("comment", gettext("Comment")))
        return [(reverse(f"admin:branding_brandingrequest_{name}", args=[item.pk]), label) for name, label in steps]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        item = self.get_object(request, object_id)
        extra = {**(extra_context or {}), "next_steps": self.next_steps(request, item) if item else []}
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra = {**(extra_context or {}), "board_url": reverse("admin:branding_brandingrequest_board")}
        return super().changelist_view(request, extra_context=extra)

    def _context(self, request: HttpRequest, title: str, **more: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **more}

    def board_view(self, request: HttpRequest) -> HttpResponse:
        """Open requests in columns by status, each column by deadline."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        columns = [(Status(status).label, items) for status, items in selectors.board().items()]
        return render(
            request,
            "admin/branding/brandingrequest/board.html",
            self._context(request, gettext("Branding board"), columns=columns, today=timezone.localdate()),
        )

    def _item(self, request: HttpRequest, pk: int) -> BrandingRequest:
        if not request.user.has_perm(WORK_PERMISSION):
            raise PermissionDenied
        return get_object_or_404(BrandingRequest.objects.select_related("merchant"), pk=pk)

    def _page(self, request: HttpRequest, item: BrandingRequest, form: Any, title: str) -> HttpResponse:
        return render(
            request,
            "admin/branding/brandingrequest/action.html",
            self._context(request, title, form=form, item=item, original=item),
        )

    def _done(self, request: HttpRequest, item: BrandingRequest, message: str) -> HttpResponseRedirect:
        self.message_user(request, message)
        return HttpResponseRedirect(reverse("admin:branding_brandingrequest_change", args=[item.pk]))

    def quote_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._item(request, pk)
        form = QuoteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.send_quote(request_id=pk, by=user_of(request), ip=client_ip(request), **form.cleaned_data)
            except services.BrandingError as exc:
                form.add_error(None, str(exc.message))
            else:
                return self._done(request, item, gettext("The quote has been sent to the merchant."))
        return self._page(request, item, form, gettext("Send a quote"))

    def proof_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._item(request, pk)
        form = ProofForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                proof = services.send_proof(
                    request_id=pk,
                    by=user_of(request),
                    upload=form.cleaned_data["file"],
                    artwork=form.cleaned_data["artwork"] or None,
                    notes=form.cleaned_data["notes"],
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                form.add_error(
                    "artwork" if exc.code == "logo_too_small" and form.cleaned_data["artwork"] else "file", exc
                )
            except services.BrandingError as exc:
                form.add_error(None, str(exc.message))
            else:
                return self._done(
                    request, item, gettext("Proof v%(version)s has been sent.") % {"version": proof.version}
                )
        return self._page(request, item, form, gettext("Send a proof"))

    def advance_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._item(request, pk)
        choices = [
            (status, Status(status).label)
            for status in Status
            if status in services.TRANSITIONS[item.status] & services.STAFF_MOVES
        ]
        form = AdvanceForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            try:
                services.advance(
                    request_id=pk,
                    by=user_of(request),
                    to=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    ip=client_ip(request),
                )
            except services.BrandingError as exc:
                form.add_error(None, str(exc.message))
            else:
                return self._done(request, item, gettext("The request has moved on."))
        return self._page(request, item, form, gettext("Move the request forward"))

    def comment_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._item(request, pk)
        form = CommentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.add_comment(request=item, by=user_of(request), body=form.cleaned_data["body"])
            except services.BrandingError as exc:
                form.add_error(None, str(exc.message))
            else:
                return self._done(request, item, gettext("The comment has been sent to the merchant."))
        return self._page(request, item, form, gettext("Comment"))

    def proof_sheet_view(self, request: HttpRequest, pk: int, version: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        proof = (
            Proof.objects.filter(request_id=pk, version=version)
            .select_related("request__merchant", "file", "artwork")
            .first()
        )
        if proof is None:
            raise Http404
        response = HttpResponse(render_proof_sheet(proof), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{proof.request.reference}-v{proof.version}.pdf"'
        return response
