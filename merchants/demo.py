"""Demo merchants: one approved company in Saudi Arabia, one in France, each with an owner and a buyer.

Idempotent: run twice, same data. The password is published in the README (demo only).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from merchants.models import Membership, Merchant

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - published demo login

MERCHANTS = [
    # code, legal name, trade name, country, currency, language, VAT, registration, members
    (
        "M-DEMSA",
        "Dar Al Argan Trading Co.",
        "Dar Al Argan",
        "SA",
        "SAR",
        "ar",
        "300000000000003",
        "1010000001",
        [("owner@sa.demo", "Noura Al-Harbi", "owner"), ("buyer@sa.demo", "Faisal Al-Qahtani", "buyer")],
    ),
    (
        "M-DEMFR",
        "Maison Atlas SARL",
        "Maison Atlas",
        "FR",
        "EUR",
        "fr",
        "FR40123456824",
        "RCS Lyon 123 456 789",
        [("owner@fr.demo", "Camille Martin", "owner"), ("buyer@fr.demo", "Hugo Bernard", "buyer")],
    ),
]


def seed() -> list[tuple[str, str, str]]:
    """Create or update the demo merchants and members; return (email, merchant code, role) rows."""
    User = get_user_model()
    rows = []
    for code, legal, trade, country, currency, language, vat, registration, members in MERCHANTS:
        merchant, _created = Merchant.objects.update_or_create(
            code=code,
            defaults={
                "legal_name": legal,
                "trade_name": trade,
                "country": country,
                "currency": currency,
                "language": language,
                "vat_number": vat,
                "registration_number": registration,
                "status": Merchant.Status.ACTIVE,
            },
        )
        for email, name, role in members:
            user, created = User.objects.get_or_create(email=email, defaults={"full_name": name, "language": language})
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            Membership.objects.update_or_create(user=user, merchant=merchant, defaults={"role": role})
            rows.append((email, code, role))
    return rows
