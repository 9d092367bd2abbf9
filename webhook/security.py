"""Is this request from WeChat? Signatures (compared in constant time) and the replay window.

WeChat signs every push with SHA-1 over the sorted token, timestamp and nonce (``signature``) and,
in safe mode, also over the ciphertext (``msg_signature``). wechatpy's signer computes them; the
comparison is ours, with hmac.compare_digest instead of wechatpy's ``!=``.
"""

from __future__ import annotations

import hmac
import time

from wechatpy.utils import WeChatSigner


class Rejected(ValueError):
    """The request is not from WeChat, or too old to trust: answered with 403, nothing processed."""


def sign(*values: str) -> str:
    """WeChat's signature of ``values`` (sorted, concatenated, SHA-1 hex)."""
    signer = WeChatSigner()
    signer.add_data(*values)
    return signer.signature


def check_signature(token: str, signature: str, timestamp: str, nonce: str) -> None:
    """Raise :class:`Rejected` unless ``signature`` signs token, timestamp and nonce."""
    if not (signature and timestamp and nonce):
        raise Rejected("signature, timestamp and nonce are required")
    if not hmac.compare_digest(sign(token, timestamp, nonce).encode(), signature.encode("utf-8", "replace")):
        raise Rejected("bad signature")


def check_msg_signature(token: str, msg_signature: str, timestamp: str, nonce: str, encrypted: str) -> None:
    """Raise :class:`Rejected` unless ``msg_signature`` signs the ciphertext too (safe mode)."""
    expected = sign(token, timestamp, nonce, encrypted)
    if not msg_signature or not hmac.compare_digest(expected.encode(), msg_signature.encode("utf-8", "replace")):
        raise Rejected("bad msg_signature")


def check_fresh(timestamp: str, max_age_s: int, now: float | None = None) -> None:
    """Raise :class:`Rejected` for a timestamp older than ``max_age_s`` (a replay) or as far ahead."""
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise Rejected("timestamp is not a number")
    age = (time.time() if now is None else now) - int(timestamp)
    if abs(age) > max_age_s:
        raise Rejected("timestamp outside the accepted window")
