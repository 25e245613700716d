"""Members' second-factor secrets (allauth MFA: the TOTP key, the recovery-code seed) encrypted at rest.

allauth stores them in ``Authenticator.data`` and passes them through the adapter's ``encrypt()`` and
``decrypt()``. Ours encrypts with Fernet under keys derived from FIELD_ENCRYPTION_KEY (one derived key per
configured key, so a rotation's old key still reads) and marks the value with a prefix; a value without
the prefix is a secret stored in clear before this adapter, read as it stands.
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import InvalidToken, MultiFernet

from audit.crypto import derived_crypter, derived_key

PREFIX = "fernet:"
#: separates these keys from the field keys they are derived from: a token of one never opens the other
CONTEXT = b"portal.mfa.secrets"


def mfa_key(field_key: str) -> bytes:
    """The Fernet key for MFA secrets derived from one field-encryption key."""
    return derived_key(field_key, CONTEXT)


def mfa_crypter() -> MultiFernet:
    """Encrypts under the key derived from the first field key, decrypts under any of them."""
    return derived_crypter(CONTEXT)


class MFAAdapter(DefaultMFAAdapter):
    """allauth's MFA adapter with second-factor secrets encrypted in the database."""

    def encrypt(self, text: str) -> str:
        return PREFIX + mfa_crypter().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(PREFIX):
            return encrypted_text  # stored in clear before encryption was turned on
        try:
            return mfa_crypter().decrypt(encrypted_text.removeprefix(PREFIX).encode()).decode()
        except InvalidToken as exc:
            # Never the value itself in the message: it is a secret.
            raise ValueError("a second-factor secret cannot be decrypted with FIELD_ENCRYPTION_KEY") from exc
