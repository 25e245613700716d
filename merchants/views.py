"""Pages of the merchants domain: the application, the portal home, members and settings."""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import reauthentication_required, verified_email_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.access_log import record_staff_access
from merchants import selectors, services
from merchants.access import MerchantRequest, SignedInRequest, member_required
from merchants.adapter import supported_language
from merchants.forms import AnswerForm, ApplicationForm, DocumentForm, InviteForm, MerchantSettingsForm, RoleForm
from merchants.models import Application, Membership
from portal.http import client_ip
from portal.ratelimit import rate_limited
from portal.uploads import private_file_response

OWNER = (Membership.Role.OWNER,)


def _error(request: HttpRequest, exc: services.MerchantsError) -> None:
    messages.error(request, str(exc.message))


def _posted(request: HttpRequest) -> tuple[Any, Any]:
    """A form's data and files: bound on POST (even when every box is unticked), unbound otherwise."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


@verified_email_required
@rate_limited("uploads", methods=("POST",))
def apply(request: SignedInRequest) -> HttpResponse:
    """Fill and submit the application; afterwards, follow its status and answer questions."""
    application = selectors.application_of(user=request.user)
    if application is not None and application.status == Application.Status.APPROVED:
        return redirect("merchants:home")
    if application is not None and not application.is_editable:
        return _application_status(request, application)
    initial = {} if application else {"language": supported_language(translation.get_language())}
    form = ApplicationForm(_posted(request)[0], instance=application, initial=initial)
    document_form = DocumentForm(*_posted(request))
    if request.method == "POST":
        if application is not None and request.POST.get("remove_document"):
            _remove_document(request, application, request.POST["remove_document"])
        # The draft is saved first, so a refused document never costs the applicant what they typed.
        if form.is_valid():
            application = services.save_application(
                applicant=request.user, data=form.cleaned_data, application=application
            )
            if _attach_document(application, document_form):
                if "submit" not in request.POST:
                    messages.success(request, _("Your draft has been saved."))
                    return redirect("merchants:apply")
                try:
                    services.submit_application(application=application, by=request.user, ip=client_ip(request))
                except services.MerchantsError as exc:
                    _error(request, exc)
                else:
                    messages.success(request, _("Your application has been submitted. We will email you."))
                return redirect("merchants:apply")
    return render(
        request,
        "merchants/apply.html",
        {"form": form, "document_form": document_form, "application": application},
    )


def _attach_document(application: Application, document_form: DocumentForm | AnswerForm) -> bool:
    """Add the uploaded document, if any; False (with the error on the form) when it is refused."""
    upload = document_form.files.get("file")
    if not isinstance(upload, UploadedFile):
        return True
    try:
        services.add_document(application=application, upload=upload)
    except ValidationError as exc:
        document_form.add_error("file", exc)
        return False
    except services.MerchantsError as exc:
        document_form.add_error("file", str(exc.message))
        return False
    return True


def _remove_document(request: SignedInRequest, application: Application, pk: str) -> None:
    if not pk.isdigit():
        raise Http404
    doc = get_object_or_404(selectors.documents_of_application(user=request.user, application=application), pk=int(pk))
    try:
        services.remove_document(document=doc)
    except services.MerchantsError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The document has been removed."))


def _application_status(request: SignedInRequest, application: Application) -> HttpResponse:
    form = AnswerForm(*_posted(request))
    if application.status == Application.Status.NEEDS_INFO and request.method == "POST" and form.is_valid():
        if _attach_document(application, form):
            services.answer_question(
                application=application, by=request.user, answer=form.cleaned_data["answer"], ip=client_ip(request)
            )
            messages.success(request, _("Thank you. Your answer has been sent and your application is back in review."))
            return redirect("merchants:apply")
    return render(request, "merchants/application_status.html", {"application": application, "form": form})


@login_required
def document(request: SignedInRequest, pk: int) -> HttpResponseBase:
    """A supporting document, for its applicant or a reviewer; anyone else gets a 404."""
    doc = get_object_or_404(selectors.documents_visible_to(user=request.user), pk=pk)
    if request.user.is_staff:  # a reviewer opening an applicant's document: in the staff access log
        record_staff_access(
            staff=request.user,
            model="merchants.applicationdocument",
            object_id=str(doc.pk),
            action="view",
            unmasked=True,
            ip_address=client_ip(request),
        )
    return private_file_response(doc.file, download_name=doc.original_name, content_type=doc.content_type)


@member_required
def home(request: MerchantRequest) -> HttpResponse:
    """The merchant portal's home: the company, its account and shortcuts."""
    return render(
        request,
        "merchants/home.html",
        {
            "memberships": selectors.memberships_for(user=request.user),
            "member_count": selectors.member_count(merchant=request.merchant),
        },
    )


@member_required
@rate_limited("invitations", methods=("POST",))
def members(request: MerchantRequest) -> HttpResponse:
    """The company's members; owners invite, change roles and remove."""
    is_owner = request.membership.role == Membership.Role.OWNER
    form = InviteForm(_posted(request)[0])
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.invite_member(
                    merchant=request.merchant,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except services.MerchantsError as exc:
                form.add_error("email", str(exc.message))
            else:
                messages.success(request, _("The invitation has been sent."))
                return redirect("merchants:members")
    return render(
        request,
        "merchants/members.html",
        {
            "members": selectors.members_of(merchant=request.merchant),
            "invitations": selectors.open_invitations_of(merchant=request.merchant),
            "form": form,
            "is_owner": is_owner,
            "role_choices": Membership.Role.choices,
        },
    )


@require_POST
@member_required(roles=OWNER)
def member_role(request: MerchantRequest, pk: int) -> HttpResponse:
    """An owner gives a member another role."""
    membership = get_object_or_404(selectors.members_of(merchant=request.merchant), pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_role(membership=membership, role=form.cleaned_data["role"])
        except services.MerchantsError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The role has been changed."))
    return redirect("merchants:members")


@require_POST
@member_required(roles=OWNER)
def member_remove(request: MerchantRequest, pk: int) -> HttpResponse:
    """An owner removes a member (themselves included, if another owner remains)."""
    membership = get_object_or_404(selectors.members_of(merchant=request.merchant), pk=pk)
    try:
        services.remove_member(membership=membership)
    except services.MerchantsError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The member has been removed."))
    return redirect("merchants:home" if membership.user_id == request.user.pk else "merchants:members")


@login_required
def accept_invitation(request: SignedInRequest, token: str) -> HttpResponse:
    """Join a company from an invitation link, signed in with the invited address."""
    try:
        if request.method != "POST":
            invitation = services.open_invitation(token=token, user=request.user)
            return render(request, "merchants/invitation.html", {"invitation": invitation})
        membership = services.accept_invitation(token=token, user=request.user)
    except services.MerchantsError as exc:
        return render(request, "merchants/invitation.html", {"error": exc.message}, status=400)
    request.session[selectors.SESSION_KEY] = membership.merchant_id
    messages.success(
        request,
        _("Welcome to %(company)s.") % {"company": membership.merchant.trade_name or membership.merchant.legal_name},
    )
    return redirect("merchants:home")


@require_POST
@login_required
def switch(request: SignedInRequest) -> HttpResponse:
    """Work in another of the user's companies."""
    chosen = request.POST.get("merchant", "")
    if not chosen.isdigit():
        raise Http404
    membership = get_object_or_404(selectors.memberships_for(user=request.user), merchant_id=int(chosen))
    request.session[selectors.SESSION_KEY] = membership.merchant_id
    return redirect("merchants:home")


def _changes_two_factor(request: MerchantRequest) -> bool:
    """A posted settings form that turns the company's two-factor requirement on or off."""
    if request.method != "POST":
        return False
    wanted = MerchantSettingsForm(request.POST)
    return wanted.is_valid() and wanted.cleaned_data["require_two_factor"] != request.merchant.require_two_factor


@member_required(roles=OWNER)
@reauthentication_required(enabled=_changes_two_factor)
def company_settings(request: MerchantRequest) -> HttpResponse:
    """Owner-only settings: partner naming and two-factor for all members (the latter after the owner
    re-enters their password: it decides how every member signs in)."""
    merchant = request.merchant
    form = MerchantSettingsForm(
        _posted(request)[0],
        initial={
            "may_name_as_partner": merchant.may_name_as_partner,
            "require_two_factor": merchant.require_two_factor,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.change_settings(merchant=merchant, by=request.user, values=form.cleaned_data, ip=client_ip(request))
        messages.success(request, _("The settings have been saved."))
        return redirect("merchants:settings")
    return render(
        request,
        "merchants/settings.html",
        {"form": form, "changes": selectors.setting_changes_of(merchant=merchant)},
    )
