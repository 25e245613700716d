"""The designers' side: a board of requests by status and deadline, quotes, proofs, moving forward."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from branding import services
from branding.forms import AdvanceForm, CommentForm, ProofForm, QuoteForm
from branding.models import BrandingRequest, BrandKit, Comment, RequestEvent
from portal.admin_tools import HistoryInline


class EventInline(HistoryInline):
    model = RequestEvent


class CommentInline(HistoryInline):
    model = Comment


@admin.register(BrandingRequest)
class BrandingRequestAdmin(admin.ModelAdmin):
    list_display = ("reference", "merchant_code", "status", "deadline", "kinds_display", "extra_rounds", "created_at")
    list_filter = ("status",)
    ordering = ("deadline", "created_at")
    search_fields = ("reference", "merchant__code")
    list_select_related = ("merchant",)
    inlines = (CommentInline, EventInline)
    change_form_template = "admin/branding/brandingrequest/change_form.html"
    readonly_fields = (
        "reference",
        "merchant",
        "requested_by",
        "status",
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
        "revision_rounds_included",
        "revision_rounds_used",
        "approved_proof",
    )
    exclude = ("created_at",)

    @admin.display(description="merchant")
    def merchant_code(self, obj: BrandingRequest) -> str:
        return obj.merchant.code

    @admin.display(description="work")
    def kinds_display(self, obj: BrandingRequest) -> str:
        return ", ".join(obj.kinds)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/quote/", wrap(self.quote_view), name="branding_brandingrequest_quote"),
            path("<int:pk>/proof/", wrap(self.proof_view), name="branding_brandingrequest_proof"),
            path("<int:pk>/advance/", wrap(self.advance_view), name="branding_brandingrequest_advance"),
            path("<int:pk>/comment/", wrap(self.comment_view), name="branding_brandingrequest_comment"),
            *super().get_urls(),
        ]

    def _item(self, request: HttpRequest, pk: int) -> BrandingRequest:
        if not request.user.has_perm("branding.work_on_brandingrequest"):
            raise PermissionDenied
        return get_object_or_404(BrandingRequest.objects.select_related("merchant"), pk=pk)

    def _page(self, request: HttpRequest, item: BrandingRequest, form: Any, title: str) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "item": item,
            "opts": self.model._meta,
        }
        return render(request, "admin/branding/brandingrequest/action.html", context)

    def _done(self, request: HttpRequest, item: BrandingRequest, message: str) -> HttpResponseRedirect:
        self.message_user(request, message)
        return HttpResponseRedirect(reverse("admin:branding_brandingrequest_change", args=[item.pk]))

    def quote_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._item(request, pk)
        form = QuoteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.send_quote(
                    request_id=pk,
                    by=request.user,
                    price=form.cleaned_data["price"],
                    lead_days=form.cleaned_data["lead_days"],
                    rounds=form.cleaned_data["rounds"],
                )
            except services.BrandingError as exc:
                form.add_error(None, str(exc.message))
            else:
                return self._done(request, item, _("The quote has been sent."))
        return self._page(request, item, form, _("Send a quote"))

    def proof_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._item(request, pk)
        form = ProofForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                proof = services.send_proof(
                    request_id=pk, by=request.user, upload=form.cleaned_data["file"], notes=form.cleaned_data["notes"]
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            except services.BrandingError as exc:
                form.add_error(None, str(exc.message))
            else:
                return self._done(request, item, _("Proof v%(version)s has been sent.") % {"version": proof.version})
        return self._page(request, item, form, _("Send a proof"))

    def advance_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._item(request, pk)
        form = AdvanceForm(request.POST or None)
        form.fields["status"].choices = [  # type: ignore[attr-defined]
            (s, BrandingRequest.Status(s).label)
            for s in services.TRANSITIONS[item.status]
            if s
            in {
                BrandingRequest.Status.IN_PRODUCTION,
                BrandingRequest.Status.DELIVERED,
                BrandingRequest.Status.CANCELLED,
            }
        ]
        if request.method == "POST" and form.is_valid():
            services.advance(
                request_id=pk, by=request.user, to=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
            return self._done(request, item, _("The request has moved on."))
        return self._page(request, item, form, _("Move the request forward"))

    def comment_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = self._item(request, pk)
        form = CommentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.add_comment(request=item, by=request.user, body=form.cleaned_data["body"])
            return self._done(request, item, _("The comment has been sent."))
        return self._page(request, item, form, _("Comment"))


@admin.register(BrandKit)
class BrandKitAdmin(admin.ModelAdmin):
    list_display = ("merchant", "version", "is_active", "sender_name", "created_at")
    list_filter = ("is_active",)
    readonly_fields = (
        "merchant",
        "version",
        "is_active",
        "logo",
        "sender_name",
        "return_address",
        "colours",
        "slip_message",
        "insert_text",
        "source_proof",
        "created_by",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
