"""The demo security policy promises only what the portal does: it stores no bank or card details."""

from __future__ import annotations

import pytest

from privacy.demo import SECURITY

#: the encryption paragraph of each language, and how it says that no bank or card details are held
ENCRYPTION = {
    "en": ("Encryption.", "bank details", "We hold no bank or card details"),
    "fr": ("Chiffrement.", "coordonnées bancaires", "Nous ne conservons aucune coordonnée bancaire"),
    "ar": ("التشفير.", "البيانات المصرفية", "ولا نحتفظ بأي بيانات مصرفية"),
}


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_security_policy_does_not_claim_to_encrypt_bank_details_the_portal_never_stores(language):
    heading, encrypted_claim, truth = ENCRYPTION[language]
    paragraph = next(p for p in SECURITY[language].split("\n\n") if p.startswith(heading))
    assert encrypted_claim not in paragraph
    assert truth in paragraph
