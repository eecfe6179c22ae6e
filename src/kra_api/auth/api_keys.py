"""API keys for integrations: shown once, stored as SHA-256, scoped and revocable."""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "kra_"


def new_api_key() -> tuple[str, str, str]:
    """A fresh key: (the secret to show once, its display prefix, its hash to store)."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    return secret, secret[:12], hash_api_key(secret)


def hash_api_key(secret: str) -> str:
    """The stored form of a key. Keys carry 256 bits of entropy, so a plain hash suffices."""
    return hashlib.sha256(secret.encode()).hexdigest()
