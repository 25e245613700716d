"""Demo staff: one user per role, with a fixed password, TOTP secret and backup codes.

Fixed so that `seed_demo` run twice leaves the same data and prints the same logins. Demo only:
a real deployment creates staff with `createstaff`, which draws everything at random.
"""

from __future__ import annotations

import hashlib

from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import ROLES
from portal.staff import StaffCredentials, create_staff_member

DEMO_STAFF_PASSWORD = "demo-staff-2026"  # noqa: S105 - published demo login
DEMO_STAFF_DOMAIN = "staff.demo"


def _demo_secret(email: str) -> str:
    return hashlib.sha256(f"demo-totp:{email}".encode()).hexdigest()[:40]


def _demo_codes(email: str) -> list[str]:
    return [hashlib.sha256(f"demo-backup:{email}:{i}".encode()).hexdigest()[:8] for i in range(10)]


def seed_staff() -> list[tuple[str, StaffCredentials]]:
    """One staff user per role (role@staff.demo); unchanged when already seeded."""
    seeded = []
    for role in ROLES:
        email = f"{role}@{DEMO_STAFF_DOMAIN}"
        key = _demo_secret(email)
        device = TOTPDevice.objects.filter(user__email=email, key=key, confirmed=True).first()
        if device is None:
            creds = create_staff_member(
                email=email,
                roles=[role],
                password=DEMO_STAFF_PASSWORD,
                full_name=f"Demo {role}",
                totp_key=key,
                backup_codes=_demo_codes(email),
            )
        else:
            creds = StaffCredentials(email, DEMO_STAFF_PASSWORD, device.config_url, _demo_codes(email))
        seeded.append((role, creds))
    return seeded
