"""The signed, expiring link to the /bind page: it carries the chat identity and a one-time nonce.

Signed with itsdangerous and the app's secret key (not encrypted: the sender ID is visible in the
link, nothing else is). The nonce is recorded as used when a verification succeeds (flow.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from verification.errors import LinkExpired, LinkInvalid
from verification.identity import ChatIdentity

#: Separates these tokens from anything else signed with the same key.
SALT = "yibao.bind-link.v1"


@dataclass(frozen=True)
class LinkClaims:
    """What a valid link says: whose chat it came from and its nonce."""

    identity: ChatIdentity
    nonce: str


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def new_nonce() -> str:
    """A fresh random nonce for one link."""
    return secrets.token_urlsafe(16)


def sign_link(secret_key: str, identity: ChatIdentity, nonce: str | None = None) -> str:
    """A URL-safe token for ``identity`` (with a new nonce unless one is given)."""
    payload = {"s": identity.sender, "c": identity.channel, "n": nonce or new_nonce()}
    return _serializer(secret_key).dumps(payload)


def read_link(secret_key: str, token: str, max_age_s: int) -> LinkClaims:
    """The claims of a token signed by :func:`sign_link` no more than ``max_age_s`` seconds ago.

    Raises:
        LinkExpired: the signature is good but the token is too old.
        LinkInvalid: anything else is wrong with it.
    """
    try:
        payload = _serializer(secret_key).loads(token, max_age=max_age_s)
    except SignatureExpired as exc:
        raise LinkExpired("the link has expired") from exc
    except BadSignature as exc:
        raise LinkInvalid("the link is not valid") from exc
    try:
        return LinkClaims(ChatIdentity(str(payload["s"]), str(payload["c"])), str(payload["n"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid("the link is not valid") from exc
