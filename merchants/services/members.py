"""Members: invitations, joining a merchant, roles, leaving it."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core import signing
from django.db import transaction
from django.utils import timezone

from merchants import tasks
from merchants.emails import INVITATION_SALT
from merchants.errors import (
    AlreadyMember,
    InvitationForAnotherEmail,
    InvitationInvalid,
    LastOwner,
)
from merchants.models import (
    Invitation,
    Membership,
    Merchant,
    User,
)
from merchants.services.locks import lock_merchant
from portal.notices import notify_on_commit

INVITATION_MAX_AGE = 7 * 24 * 3600


def invite_member(*, merchant: Merchant, email: str, role: str, invited_by: User) -> Invitation:
    """Invite someone by email with a role; they accept through the link in the email.

    Inviting an address again replaces its open invitation (new role, new link) rather than adding one.
    """
    email = email.strip().lower()
    with transaction.atomic():
        lock_merchant(merchant.pk)
        if Membership.objects.filter(merchant=merchant, user__email__iexact=email).exists():
            raise AlreadyMember
        Invitation.objects.filter(merchant=merchant, email=email, accepted_at__isnull=True).delete()
        invitation = Invitation.objects.create(merchant=merchant, email=email, role=role, invited_by=invited_by)
        notify_on_commit(tasks.send_invitation, invitation.pk)
    return invitation


def _invitation_pk(token: str) -> int:
    try:
        return int(signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise InvitationInvalid from exc


def _check_invitee(invitation: Invitation | None, user: User) -> Invitation:
    if invitation is None:
        raise InvitationInvalid
    # The invited address must be one the user has proved they own (verified through allauth).
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise InvitationForAnotherEmail
    return invitation


def open_invitation(*, token: str, user: User) -> Invitation:
    """The invitation behind a link, if it is still open and addressed to this user; else a refusal."""
    invitation = (
        Invitation.objects.select_related("merchant").filter(pk=_invitation_pk(token), accepted_at__isnull=True).first()
    )
    return _check_invitee(invitation, user)


def accept_invitation(*, token: str, user: User) -> Membership:
    """Join the merchant with the invited role, if the signed-in user owns the invited address."""
    pk = _invitation_pk(token)
    with transaction.atomic():
        invitation = _check_invitee(
            Invitation.objects.select_for_update(of=("self",)).filter(pk=pk, accepted_at__isnull=True).first(), user
        )
        membership, _created = Membership.objects.get_or_create(
            user=user, merchant=invitation.merchant, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership


def _owners_left(merchant: Merchant, *, without: Membership) -> int:
    return (
        Membership.objects.select_for_update(of=("self",))
        .filter(merchant=merchant, role=Membership.Role.OWNER)
        .exclude(pk=without.pk)
        .count()
    )


def change_role(*, membership: Membership, role: str) -> Membership:
    """Give a member another role; the last owner cannot stop being one."""
    with transaction.atomic():
        lock_merchant(membership.merchant_id)
        if membership.role == Membership.Role.OWNER and role != membership.role:
            if _owners_left(membership.merchant, without=membership) == 0:
                raise LastOwner
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(*, membership: Membership) -> None:
    """Remove a member; the last owner cannot be removed."""
    with transaction.atomic():
        lock_merchant(membership.merchant_id)
        if membership.role == Membership.Role.OWNER and _owners_left(membership.merchant, without=membership) == 0:
            raise LastOwner
        membership.delete()
