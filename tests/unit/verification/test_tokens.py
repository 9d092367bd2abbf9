"""The signed /bind link: round trip, tampering, a foreign key, expiry."""

from __future__ import annotations

import time

import pytest

from verification.errors import LinkExpired, LinkInvalid
from verification.identity import ChatIdentity
from verification.tokens import read_link, sign_link

KEY = "k1"


def test_a_link_carries_the_chat_identity_and_a_fresh_nonce():
    identity = ChatIdentity("wx-openid-1", "wechat")
    first, second = sign_link(KEY, identity), sign_link(KEY, identity)
    claims = read_link(KEY, first, max_age_s=600)
    assert claims.identity == identity
    assert claims.nonce and claims.nonce != read_link(KEY, second, max_age_s=600).nonce


@pytest.mark.parametrize("mangle", [
    lambda t: t.rsplit(".", 1)[0] + "." + t.rsplit(".", 1)[1][::-1],  # signature changed
    lambda t: "x" + t,  # payload changed
    lambda t: "",
    lambda t: "not-a-token",
])
def test_a_tampered_link_is_invalid(mangle):
    token = sign_link(KEY, ChatIdentity("s", "rest"))
    with pytest.raises(LinkInvalid):
        read_link(KEY, mangle(token), max_age_s=600)


def test_a_link_signed_with_another_key_is_invalid():
    with pytest.raises(LinkInvalid):
        read_link(KEY, sign_link("other-key", ChatIdentity("s", "rest")), max_age_s=600)


def test_a_link_older_than_its_lifetime_has_expired(monkeypatch):
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 601)
    token = sign_link(KEY, ChatIdentity("s", "rest"))
    monkeypatch.setattr(time, "time", real_time)
    with pytest.raises(LinkExpired):
        read_link(KEY, token, max_age_s=600)
    assert read_link(KEY, token, max_age_s=700).identity.sender == "s"


def test_identities_are_bounded_and_hashed_with_the_key():
    with pytest.raises(ValueError):
        ChatIdentity("", "rest")
    with pytest.raises(ValueError):
        ChatIdentity("s" * 129, "rest")
    identity = ChatIdentity("wx-openid-1", "wechat")
    assert identity.digest("a") != identity.digest("b")
    assert identity.digest("a") != ChatIdentity("wx-openid-1", "rest").digest("a")
    assert "wx-openid-1" not in identity.audit_name("a")
