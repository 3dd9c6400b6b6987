"""One value in, one sealed value out (ADR 0039).

A stored value is ``enc:v1:<key id>:<Fernet token>``: Fernet (AES-128-CBC with HMAC-SHA256, from the
``cryptography`` package) under the newest key of ``settings.FIELD_ENCRYPTION_KEYS``; the key id
(8 hex digits of a SHA-256 of the key, never the key) says which key sealed it, so a value sealed
with a key that has been retired is refused by name, and rotation can tell at a glance what is left
to re-encrypt. The empty string is stored as itself (so "nothing recorded" stays a plain check).
A value without the prefix is text written before encryption was switched on (the migrations that
encrypt the existing rows read it); it is returned as it is.
"""

from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

PREFIX = "enc:v1:"
# Development and tests only: derived from a sentence anyone can read, so it protects nothing.
# Production refuses to start without IOMHUB_FIELD_KEY (iomhub.config.settings).
DEVELOPMENT_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"IOM Hub development and test field key: NOT FOR PRODUCTION").digest()).decode()


class KeyMissing(Exception):
    """A value was sealed with a key that is not configured any more."""


def new_key() -> str:
    return Fernet.generate_key().decode()


def key_id(key: str) -> str:
    return hashlib.sha256(key.strip().encode()).hexdigest()[:8]


@functools.lru_cache(maxsize=8)
def _ring(keys: tuple[str, ...]) -> tuple[str, dict[str, Fernet]]:
    if not keys:
        raise KeyMissing("No field encryption key is configured (IOMHUB_FIELD_KEY)")
    return key_id(keys[0]), {key_id(k): Fernet(k.strip().encode()) for k in keys}


def ring() -> tuple[str, dict[str, Fernet]]:
    """The newest key's id and every configured key by id."""
    return _ring(tuple(settings.FIELD_ENCRYPTION_KEYS))


def current_key_id() -> str:
    return ring()[0]


def encrypt(plain: str) -> str:
    if plain == "":
        return ""
    newest, keys = ring()
    return f"{PREFIX}{newest}:{keys[newest].encrypt(plain.encode()).decode()}"


def sealed_with(stored: str) -> str | None:
    """The id of the key a stored value was sealed with (None: empty or clear text)."""
    if not stored.startswith(PREFIX):
        return None
    return stored[len(PREFIX) :].split(":", 1)[0]


def decrypt(stored: str) -> str:
    kid = sealed_with(stored)
    if kid is None:
        return stored
    keys = ring()[1]
    if kid not in keys:
        raise KeyMissing(f"A value was encrypted with key {kid}, which is not in IOMHUB_FIELD_KEY or IOMHUB_FIELD_PREVIOUS_KEYS")
    token = stored[len(PREFIX) + len(kid) + 1 :]
    try:
        return keys[kid].decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise KeyMissing(
            f"A value sealed with key {kid} does not decrypt: it was altered, or the key is not the one it was sealed with"
        ) from exc


def is_current(stored: str) -> bool:
    """Empty, or sealed with the newest key: nothing for rotation to do."""
    return stored == "" or sealed_with(stored) == current_key_id()


def check_key(key: str, name: str) -> str:
    """A configured key, validated (used by the settings so a bad key stops the start, by name)."""
    try:
        Fernet(key.strip().encode())
    except ValueError as exc:
        raise ValueError(f"{name} is not a key: make one with `python -m iomhub rotate_keys --new-key`") from exc
    return key.strip()
