"""One-time SMS codes: six random digits, stored only as a keyed hash with a per-code salt."""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_DIGITS = 6


def new_code() -> str:
    """Six random digits (leading zeros kept)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_salt() -> str:
    """A random salt for one code's hash."""
    return secrets.token_hex(8)


def hash_code(key: str, salt: str, code: str) -> str:
    """HMAC-SHA256 of ``code`` under the app's key and the code's salt (hex)."""
    return hmac.new(key.encode(), f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(key: str, salt: str, code: str, expected_hash: str) -> bool:
    """True when ``code`` hashes to ``expected_hash`` (constant-time comparison)."""
    return hmac.compare_digest(hash_code(key, salt, code.strip()), expected_hash)
