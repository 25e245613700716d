"""Merchant pages of branding: requests, proofs, approvals, the brand kit, files."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branding import selectors, services
from branding.files import file_from_token
from branding.forms import BrandingRequestForm, BrandKitForm, ChangesForm, CommentForm
from branding.models import BrandingFile, BrandingRequest
from merchants.access import MerchantRequest, member_required
from merchants.models import Membership
from merchants.selectors import memberships_for
from portal.pdf import data_uri, render_pdf
from portal.uploads import private_file_response

WRITERS = (Membership.Role.OWNER, Membership.Role.BUYER)


def _error(request: HttpRequest, exc: Exception) -> None:
    messages.error(
        request, str(getattr(exc, "message", exc)) if not isinstance(exc, ValidationError) else " ".join(exc.messages)
    )


@member_required
def request_list(request: MerchantRequest) -> HttpResponse:
    return render(
        request,
        "branding/list.html",
        {
            "requests": selectors.requests_for(merchant=request.merchant),
            "kit": selectors.active_brand_kit(merchant=request.merchant),
        },
    )


@member_required(roles=WRITERS)
def request_new(request: MerchantRequest) -> HttpResponse:
    form = BrandingRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reference_files"}
        try:
            created = services.file_request(
                merchant=request.merchant, by=request.user, data=data, files=form.cleaned_data["reference_files"]
            )
        except ValidationError as exc:
            form.add_error("reference_files", exc)
        except services.BrandingError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your request %(reference)s has been sent.") % {"reference": created})
            return redirect("branding:detail", reference=created.reference)
    return render(request, "branding/new.html", {"form": form})


@member_required
def request_detail(request: MerchantRequest, reference: str) -> HttpResponse:
    branding_request = get_object_or_404(selectors.request_detail(merchant=request.merchant), reference=reference)
    return render(
        request,
        "branding/detail.html",
        {
            "item": branding_request,
            "changes_form": ChangesForm(),
            "comment_form": CommentForm(),
            "can_act": request.membership.role in WRITERS,
            "latest": branding_request.proofs.last() if branding_request.proofs.all() else None,
        },
    )


def _act(request: MerchantRequest, reference: str, action) -> HttpResponse:  # noqa: ANN001 - a service call
    branding_request = get_object_or_404(selectors.requests_for(merchant=request.merchant), reference=reference)
    try:
        action(branding_request)
    except (services.BrandingError, ValidationError) as exc:
        _error(request, exc)
    return redirect("branding:detail", reference=reference)


@require_POST
@member_required(roles=WRITERS)
def answer_quote(request: MerchantRequest, reference: str) -> HttpResponse:
    accept = request.POST.get("answer") == "accept"
    return _act(request, reference, lambda r: services.answer_quote(request_id=r.pk, by=request.user, accept=accept))


@require_POST
@member_required(roles=WRITERS)
def request_changes(request: MerchantRequest, reference: str) -> HttpResponse:
    form = ChangesForm(request.POST)

    def ask(branding_request: BrandingRequest) -> None:
        if not form.is_valid():
            messages.error(request, _("Say what should change."))
            return
        services.request_changes(request_id=branding_request.pk, by=request.user, note=form.cleaned_data["note"])

    return _act(request, reference, ask)


@require_POST
@member_required(roles=WRITERS)
def approve(request: MerchantRequest, reference: str) -> HttpResponse:
    def approve_version(branding_request: BrandingRequest) -> None:
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            messages.error(request, _("Choose the version to approve."))
            return
        services.approve_proof(request_id=branding_request.pk, by=request.user, version=version)
        messages.success(request, _("Version %(version)s is approved.") % {"version": version})

    return _act(request, reference, approve_version)


@require_POST
@member_required
def comment(request: MerchantRequest, reference: str) -> HttpResponse:
    form = CommentForm(request.POST)

    def post_comment(branding_request: BrandingRequest) -> None:
        if form.is_valid():
            services.add_comment(request=branding_request, by=request.user, body=form.cleaned_data["body"])

    return _act(request, reference, post_comment)


@member_required
def proof_sheet(request: MerchantRequest, reference: str, version: int) -> HttpResponse:
    """A one-page PDF of one proof version with an approval box, in the merchant's language."""
    branding_request = get_object_or_404(selectors.requests_for(merchant=request.merchant), reference=reference)
    proof = get_object_or_404(branding_request.proofs.select_related("file"), version=version)
    image = None
    if proof.file.content_type.startswith("image/"):
        proof.file.file.open("rb")
        image = data_uri(proof.file.file.read(), proof.file.content_type)
    pdf = render_pdf(
        "branding/proof_sheet.html",
        {"item": branding_request, "proof": proof, "image": image},
        language=request.merchant.language,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reference}-v{version}.pdf"'
    return response


@member_required
def brand_kit(request: MerchantRequest) -> HttpResponse:
    """The active kit and its history; members who order can upload their own logo and details."""
    current = selectors.active_brand_kit(merchant=request.merchant)
    initial = (
        {}
        if current is None
        else {
            "sender_name": current.sender_name,
            "return_address": current.return_address,
            "colours": current.colours,
            "slip_message": current.slip_message,
            "insert_text": current.insert_text,
        }
    )
    form = BrandKitForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if request.membership.role not in WRITERS:
            raise Http404
        if form.is_valid():
            logo = form.cleaned_data.pop("logo")
            try:
                services.upload_brand_kit(
                    merchant=request.merchant,
                    by=request.user,
                    logo=logo if isinstance(logo, UploadedFile) else None,
                    data=form.cleaned_data,
                )
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
            "can_act": request.membership.role in WRITERS,
        },
    )


def signed_file(request: HttpRequest, token: str) -> HttpResponseBase:
    """A branding file through an expiring link signed for the person; members and designers only."""
    if not request.user.is_authenticated:
        raise Http404
    file_id = file_from_token(token, request.user)
    if file_id is None:
        raise Http404
    stored = get_object_or_404(BrandingFile.objects.all(), pk=file_id)
    is_designer = (
        request.user.is_staff
        and request.user.has_perm("branding.view_brandingrequest")
        and getattr(request.user, "is_verified", bool)()
    )
    if not is_designer and not memberships_for(user=request.user).filter(merchant_id=stored.merchant_id).exists():
        raise Http404
    return private_file_response(stored.file, download_name=stored.original_name, content_type=stored.content_type)
