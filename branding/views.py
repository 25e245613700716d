"""Merchant pages of branding: requests, quotes, proofs, approvals, comments, the brand kit, files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branding import selectors, services
from branding.documents import render_proof_sheet
from branding.files import file_from_token
from branding.forms import BrandingRequestForm, BrandKitForm, ChangesForm, CommentForm, WithdrawForm
from branding.models import BrandingRequest
from branding.services.kits import DETAIL_FIELDS
from merchants.access import ACTING_ROLES, MerchantRequest, member_required
from portal.http import client_ip
from portal.ratelimit import rate_limited
from portal.uploads import private_file_response

#: Members who may commission work and answer for it; viewers read only.
PAGE_SIZE = 20


def _problem(exc: Exception) -> str:
    """The message of a refused action, whichever layer refused it."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(getattr(exc, "message", exc))


@member_required
def request_list(request: MerchantRequest) -> HttpResponse:
    """The merchant's requests, newest first, a page at a time."""
    page = Paginator(selectors.request_list(merchant=request.merchant), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "branding/list.html",
        {
            "page": page,
            "kit": selectors.active_brand_kit(merchant=request.merchant),
            "can_act": request.membership.role in ACTING_ROLES,
        },
    )


@member_required(roles=ACTING_ROLES)
def request_new(request: MerchantRequest) -> HttpResponse:
    """File a request; a refused file is named, and everything typed stays in the form."""
    form = BrandingRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.file_request(
                merchant=request.merchant,
                by=request.user,
                data=form.request_data(),
                files=form.cleaned_data["reference_files"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error("reference_files", exc)
        except services.BrandingError as exc:
            form.add_error(None, _problem(exc))
        else:
            messages.success(
                request, _("Your request %(reference)s has been sent to our designers.") % {"reference": created}
            )
            return redirect("branding:detail", reference=created.reference)
    return render(request, "branding/new.html", {"form": form})


def _detail(
    request: MerchantRequest,
    item: BrandingRequest,
    *,
    changes_form: ChangesForm | None = None,
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    proofs = list(item.proofs.all())
    return render(
        request,
        "branding/detail.html",
        {
            "item": item,
            "proofs": proofs,
            "latest": proofs[-1] if proofs else None,
            "changes_form": changes_form or ChangesForm(),
            "comment_form": comment_form or CommentForm(),
            "withdraw_form": WithdrawForm(),
            "can_act": request.membership.role in ACTING_ROLES,
            "rounds_left": max(0, item.revision_rounds_included - item.revision_rounds_used),
        },
    )


def _item(request: MerchantRequest, reference: str, *, detail: bool = False) -> BrandingRequest:
    source = selectors.request_detail if detail else selectors.requests_for
    return get_object_or_404(source(merchant=request.merchant), reference=reference)


@member_required
def request_detail(request: MerchantRequest, reference: str) -> HttpResponse:
    """One request: its quote, proofs, files, comments and history."""
    return _detail(request, _item(request, reference, detail=True))


def _act(
    request: MerchantRequest, reference: str, action: Callable[[BrandingRequest], Any], success: str
) -> HttpResponse:
    """Run a service on one of the merchant's requests; a refusal becomes a message, not an error page."""
    item = _item(request, reference)
    try:
        action(item)
    except (services.BrandingError, ValidationError) as exc:
        messages.error(request, _problem(exc))
    else:
        messages.success(request, success)
    return redirect("branding:detail", reference=reference)


@require_POST
@member_required(roles=ACTING_ROLES)
def answer_quote(request: MerchantRequest, reference: str) -> HttpResponse:
    """Accept or decline the quote."""
    accept = request.POST.get("answer") == "accept"
    return _act(
        request,
        reference,
        lambda item: services.answer_quote(request_id=item.pk, by=request.user, accept=accept, ip=client_ip(request)),
        _("Quote accepted: our designers start work.") if accept else _("Quote declined: the request is cancelled."),
    )


@require_POST
@member_required(roles=ACTING_ROLES)
def withdraw(request: MerchantRequest, reference: str) -> HttpResponse:
    """Withdraw a request that has not been quoted yet."""
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request,
        reference,
        lambda item: services.withdraw_request(
            request_id=item.pk, by=request.user, reason=reason, ip=client_ip(request)
        ),
        _("The request has been withdrawn."),
    )


@require_POST
@member_required(roles=ACTING_ROLES)
def request_changes(request: MerchantRequest, reference: str) -> HttpResponse:
    """Ask for changes to the latest proof; the note stays on the page if something is wrong."""
    form = ChangesForm(request.POST)
    item = _item(request, reference)
    if form.is_valid():
        try:
            services.request_changes(
                request_id=item.pk, by=request.user, note=form.cleaned_data["note"], ip=client_ip(request)
            )
        except services.BrandingError as exc:
            form.add_error(None, _problem(exc))
        else:
            messages.success(request, _("Your changes have been sent to our designers."))
            return redirect("branding:detail", reference=reference)
    return _detail(request, _item(request, reference, detail=True), changes_form=form)


@require_POST
@member_required(roles=ACTING_ROLES)
def approve(request: MerchantRequest, reference: str) -> HttpResponse:
    """Approve one exact proof version, named in the form."""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("Choose the version to approve."))
        return redirect("branding:detail", reference=_item(request, reference).reference)
    return _act(
        request,
        reference,
        lambda item: services.approve_proof(
            request_id=item.pk, by=request.user, version=version, ip=client_ip(request)
        ),
        _("Version %(version)s is approved.") % {"version": version},
    )


@require_POST
@member_required(roles=ACTING_ROLES)
def comment(request: MerchantRequest, reference: str) -> HttpResponse:
    """Add to the request's thread; our designers are told by email."""
    form = CommentForm(request.POST)
    item = _item(request, reference)
    if form.is_valid():
        try:
            services.add_comment(request=item, by=request.user, body=form.cleaned_data["body"])
        except services.BrandingError as exc:
            form.add_error(None, _problem(exc))
        else:
            messages.success(request, _("Your comment has been sent."))
            return redirect("branding:detail", reference=reference)
    return _detail(request, _item(request, reference, detail=True), comment_form=form)


@member_required
def proof_sheet(request: MerchantRequest, reference: str, version: int) -> HttpResponse:
    """A one-page PDF of one proof version with an approval box, in the merchant's language."""
    proof = selectors.proof_of(merchant=request.merchant, reference=reference, version=version)
    if proof is None:
        raise Http404
    response = HttpResponse(render_proof_sheet(proof), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{proof.request.reference}-v{proof.version}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _kit_initial(kit: Any) -> dict[str, Any]:
    if kit is None:
        return {}
    return {name: getattr(kit, name) for name in DETAIL_FIELDS}


@member_required
@rate_limited("uploads", methods=("POST",))
def brand_kit(request: MerchantRequest) -> HttpResponse:
    """The active kit and its versions; owners and buyers upload their own logo and details."""
    current = selectors.active_brand_kit(merchant=request.merchant)
    can_act = request.membership.role in ACTING_ROLES
    if request.method == "POST" and not can_act:
        raise PermissionDenied
    form = BrandKitForm(request.POST or None, request.FILES or None, initial=_kit_initial(current))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        logo = data.pop("logo", None)
        try:
            services.upload_brand_kit(merchant=request.merchant, by=request.user, logo=logo or None, data=data)
        except ValidationError as exc:
            form.add_error("logo", exc)
        else:
            messages.success(request, _("Your brand kit has been saved as a new version."))
            return redirect("branding:kit")
    return render(
        request,
        "branding/kit.html",
        {
            "kit": current,
            "kits": selectors.kits_for(merchant=request.merchant),
            "form": form,
            "can_act": can_act,
        },
    )


@require_POST
@member_required(roles=ACTING_ROLES)
def kit_restore(request: MerchantRequest, version: int) -> HttpResponse:
    """Make an earlier kit version active again (as a new version)."""
    get_object_or_404(selectors.kits_for(merchant=request.merchant), version=version)
    restored = services.restore_brand_kit(merchant=request.merchant, by=request.user, version=version)
    messages.success(
        request,
        _("Version %(old)s is active again, as version %(new)s.") % {"old": version, "new": restored.version},
    )
    return redirect("branding:kit")


def signed_file(request: HttpRequest, token: str) -> HttpResponseBase:
    """A branding file through an expiring link signed for the person; its merchant's members and designers only."""
    if not request.user.is_authenticated:
        raise Http404
    file_id = file_from_token(token, request.user)
    if file_id is None:
        raise Http404
    stored = selectors.file_for(user=request.user, pk=file_id)
    if stored is None:
        raise Http404
    return private_file_response(stored.file, download_name=stored.original_name, content_type=stored.content_type)
