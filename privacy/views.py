"""Pages of the privacy centre (/privacy/) and the published policies (/policies/)."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants.access import MerchantRequest, member_required
from merchants.models import Membership
from portal.ratelimit import rate_limited
from privacy import selectors
from privacy.errors import PrivacyError
from privacy.forms import CompanyContactForm, ConsentForm, EmailChangeForm, ErasureForm, ProfileForm
from privacy.models import ConsentChange, DataExport, PolicyVersion
from privacy.services import consents, erasure, exports, policies, profile


def _error(request: HttpRequest, exc: PrivacyError) -> None:
    messages.error(request, str(exc))


@member_required
def centre(request: MerchantRequest) -> HttpResponse:
    """What we hold, consents, policies, exports, disclosures and erasure, on one page."""
    user = request.user
    holdings = selectors.holdings_of(user=user)
    return render(
        request,
        "privacy/centre.html",
        {
            "person_holdings": [h for h in holdings if h.scope == "person"],
            "company_holdings": [h for h in holdings if h.scope == "company"],
            "consent_form": ConsentForm(initial=consents.current_consents(user=user)),
            "consent_history": consents.history(user=user)[:10],
            "policies": selectors.policies_for(user=user),
            "exports": selectors.exports_of(user=user),
            "disclosures": selectors.disclosures_of(user=user, merchant=request.merchant)[:5],
            "erasure": erasure.open_request(user=user),
            "is_owner": request.membership.role == Membership.Role.OWNER,
        },
    )


@member_required
def edit_profile(request: MerchantRequest) -> HttpResponse:
    """Correct one's name and language (no re-authentication needed)."""
    user = request.user
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name, "language": user.language})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        profile.update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Your details have been updated."))
        return redirect("privacy:centre")
    return render(request, "privacy/profile.html", {"form": form})


@member_required
@reauthentication_required(allow_get=True)
def change_email(request: MerchantRequest) -> HttpResponse:
    """Change the sign-in email: a sensitive field, so the member re-enters their password first."""
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        profile.request_email_change(request=request, user=request.user, email=form.cleaned_data["email"])
        messages.success(
            request, _("We sent a confirmation link to the new address. It becomes your sign-in email once confirmed.")
        )
        return redirect("privacy:centre")
    return render(request, "privacy/email.html", {"form": form})


@member_required(roles=(Membership.Role.OWNER,))
@reauthentication_required(allow_get=True)
def correct_company_contact(request: MerchantRequest) -> HttpResponse:
    """An owner corrects the company's contact name, phone and address: sensitive, so after the password."""
    application = profile.company_application(merchant=request.merchant)
    if application is None:
        raise Http404
    initial = {name: getattr(application, name) for name in profile.COMPANY_CONTACT_FIELDS}
    form = CompanyContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = profile.correct_company_contact(
            application=application, by=request.user, values=form.cleaned_data, request=request
        )
        messages.success(
            request, _("The company's contact details have been updated.") if changed else _("Nothing changed.")
        )
        return redirect("privacy:centre")
    return render(request, "privacy/company.html", {"form": form})


@require_POST
@member_required
def save_consents(request: MerchantRequest) -> HttpResponse:
    """Record the member's consents as ticked (unticked means no)."""
    form = ConsentForm(request.POST)
    if form.is_valid():
        changes = consents.set_consents(
            user=request.user, wanted=form.cleaned_data, source=ConsentChange.Source.PRIVACY_CENTRE
        )
        messages.success(request, _("Your choices have been saved.") if changes else _("Nothing changed."))
    return redirect("privacy:centre")


@require_POST
@member_required
@rate_limited("exports")
def request_export(request: MerchantRequest) -> HttpResponse:
    """Queue an export; the link arrives by email and appears here."""
    try:
        exports.request_export(user=request.user, request=request)
    except PrivacyError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("We are preparing your data. You will get an email with a download link."))
    return redirect("privacy:centre")


@member_required
@rate_limited("exports")
def download_export(request: MerchantRequest, token: str) -> HttpResponse:
    """The member's own export, while its signed link is valid."""
    try:
        export, content = exports.open_download(token=token, user=request.user, request=request)
    except signing.BadSignature as exc:
        raise Http404 from exc
    except DataExport.DoesNotExist as exc:
        raise Http404 from exc
    except PrivacyError as exc:
        return render(request, "privacy/export_expired.html", {"message": str(exc)}, status=410)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y-%m-%d}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@member_required
def disclosures(request: MerchantRequest) -> HttpResponse:
    """The ledger of data shared with payment providers, carriers and email services."""
    page = Paginator(selectors.disclosures_of(user=request.user, merchant=request.merchant), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "privacy/disclosures.html", {"page": page})


@member_required
def request_erasure(request: MerchantRequest) -> HttpResponse:
    """Ask for the account to be erased; the security team reviews the request."""
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.request_erasure(user=request.user, reason=form.cleaned_data["reason"], request=request)
        except PrivacyError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Your request has been sent. We will email you the outcome."))
        return redirect("privacy:centre")
    return render(
        request, "privacy/erasure.html", {"form": form, "open_request": erasure.open_request(user=request.user)}
    )


@require_POST
@member_required
def cancel_erasure(request: MerchantRequest) -> HttpResponse:
    """Withdraw an erasure request still waiting for review."""
    open_request = erasure.open_request(user=request.user)
    if open_request is None:
        raise Http404
    erasure.cancel(erasure=open_request, by=request.user)
    messages.success(request, _("Your erasure request has been withdrawn."))
    return redirect("privacy:centre")


@require_POST
@member_required
def accept_policy(request: MerchantRequest, pk: int) -> HttpResponse:
    """Accept a published policy version explicitly."""
    version = get_object_or_404(selectors.published_policy_versions(), pk=pk)
    policies.accept(user=request.user, version=version)
    messages.success(request, _("Thank you: your acceptance is recorded."))
    return redirect("privacy:centre")


# Published policies: public pages.


def _kind_or_404(kind: str) -> str:
    if kind not in PolicyVersion.Kind.values:
        raise Http404
    return kind


def policy_index(request: HttpRequest) -> HttpResponse:
    """The published policies, each in its version in force."""
    found = [(kind, label, policies.in_force(kind)) for kind, label in PolicyVersion.Kind.choices]
    return render(request, "privacy/policy_index.html", {"policies": [p for p in found if p[2] is not None]})


def policy(request: HttpRequest, kind: str, version: int | None = None) -> HttpResponse:
    """A policy in the reader's language: the version in force, or a given published version."""
    kind = _kind_or_404(kind)
    shown = (
        get_object_or_404(policies.published(kind), version=version) if version is not None else policies.in_force(kind)
    )
    if shown is None:
        raise Http404
    language = translation.get_language() or "en"
    return render(
        request,
        "privacy/policy.html",
        {
            "version": shown,
            "paragraphs": [p for p in shown.body(language).split("\n\n") if p.strip()],
            "summary": shown.summary(language),
            "previous": policies.previous(shown),
            "current": policies.in_force(kind),
            "history": policies.published(kind),
        },
    )


def policy_changes(request: HttpRequest, kind: str, version: int) -> HttpResponse:
    """What changed in a version compared with the one before it."""
    kind = _kind_or_404(kind)
    shown = get_object_or_404(policies.published(kind), version=version)
    before = policies.previous(shown)
    language = translation.get_language() or "en"
    diff = policies.diff_html(before.body(language) if before else "", shown.body(language))
    return render(
        request,
        "privacy/policy_changes.html",
        {"version": shown, "previous": before, "diff": diff, "summary": shown.summary(language)},
    )
