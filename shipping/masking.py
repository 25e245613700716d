"""How consignee data looks in lists: enough to tell rows apart, never enough to read them."""

from __future__ import annotations

MASK = "•"


def mask_name(name: str) -> str:
    """'Amina Haddad' -> 'A•••• H•••••'."""
    return " ".join(word[0] + MASK * max(len(word) - 1, 2) for word in (name or "").split()) or "—"


def mask_phone(phone: str) -> str:
    """'+966551234567' -> '••••••••••67'."""
    return MASK * max(len(phone or "") - 2, 4) + (phone or "")[-2:] if phone else "—"


def mask_email(email: str) -> str:
    """'amina@example.com' -> 'a••••@e••••' (the domain's ending is dropped too)."""
    if not email or "@" not in email:
        return "—"
    local, domain = email.split("@", 1)
    return f"{local[:1]}{MASK * 4}@{domain[:1]}{MASK * 4}"
