"""Keys of the privacy features: keyed hashes for logs and lookups, and Fernet for files at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def keyed_hash(value: str) -> str:
    """An HMAC-SHA256 of `value` under HMAC_KEY: correlates without revealing (emails, addresses, phones)."""
    if not settings.HMAC_KEY:
        raise ImproperlyConfigured("HMAC_KEY is empty: keyed hashes (lookups, logs) cannot be made.")
    return hmac.new(settings.HMAC_KEY.encode(), value.strip().lower().encode(), hashlib.sha256).hexdigest()


def field_keys() -> list[str]:
    """The field-encryption keys in force, the one that encrypts first (FIELD_ENCRYPTION_KEY may list several)."""
    return _keys(settings.FIELD_ENCRYPTION_KEY)


def _keys(configured: str | list[str] | tuple[str, ...]) -> list[str]:
    """A key setting as a list: a comma-separated string or a list, newest first."""
    values = configured.split(",") if isinstance(configured, str) else list(configured)
    return [key.strip() for key in values if key.strip()]


def field_crypter() -> MultiFernet:
    """Encrypts under the first field key, decrypts under any of them (exports at rest, key rotation)."""
    return MultiFernet([Fernet(key) for key in field_keys()])


def backup_crypter() -> MultiFernet:
    """Encrypts backups under the first BACKUP_ENCRYPTION_KEY, decrypts under any of them."""
    return MultiFernet([Fernet(key) for key in _keys(settings.BACKUP_ENCRYPTION_KEY)])


def derived_key(field_key: str, context: bytes) -> bytes:
    """A Fernet key derived from one field-encryption key for one use (HMAC-SHA256 of `context`): a token of one
    use never opens another, and rotating FIELD_ENCRYPTION_KEY rotates them all."""
    return base64.urlsafe_b64encode(hmac.new(field_key.encode(), context, hashlib.sha256).digest())


def derived_crypter(context: bytes) -> MultiFernet:
    """Encrypts under the key derived from the first field key, decrypts under any configured one."""
    return MultiFernet([Fernet(derived_key(key, context)) for key in field_keys()])


def under_first_key(token: bytes, *, context: bytes | None = None) -> bool:
    """Whether `token` is already encrypted under the first field key (or the key derived from it for
    `context`): what key rotation leaves alone."""
    first = field_keys()[0]
    try:
        Fernet(derived_key(first, context) if context else first).decrypt(token)
    except InvalidToken:
        return False
    return True
