"""Staff accounts: creation with a role, a TOTP device and backup codes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import ROLES
from portal.staff_auth import BACKUP_CODE_COUNT


class UnknownRole(ValueError):
    code = "unknown_role"


@dataclass(frozen=True)
class StaffCredentials:
    email: str
    password: str
    otpauth_uri: str
    backup_codes: list[str]


def create_staff_member(
    *,
    email: str,
    roles: list[str],
    password: str | None = None,
    full_name: str = "",
    totp_key: str | None = None,
    backup_codes: list[str] | None = None,
) -> StaffCredentials:
    """Create or update a staff user with these roles, one confirmed TOTP device and backup codes.

    Any earlier device of the user is replaced. `totp_key` (hex) and `backup_codes` are for demo
    data that must stay the same from one run to the next; left out, they are random.
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise UnknownRole(f"Unknown role(s): {', '.join(sorted(unknown))}. Roles: {', '.join(ROLES)}.")
    password = password or secrets.token_urlsafe(12)
    User = get_user_model()
    with transaction.atomic():
        user, _created = User.objects.get_or_create(email=email.lower(), defaults={"is_staff": True})
        user.is_staff = True
        # Roles are permissions only: nobody is a superuser, whose every has_perm() is True (reserved ones too).
        user.is_superuser = False
        user.full_name = full_name or user.full_name
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=True, **({"key": totp_key} if totp_key else {})
        )
        static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
        codes = backup_codes or [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return StaffCredentials(email=user.email, password=password, otpauth_uri=device.config_url, backup_codes=codes)
