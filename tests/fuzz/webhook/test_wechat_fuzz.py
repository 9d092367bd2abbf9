"""POST /wechat under 10,000 generated pushes per mode: never a 5xx, a clear error, nothing stored.

Plaintext mode gets near-valid XML, damaged bytes and tampered signatures; safe and compatible mode
get the same XML encrypted, then damaged ciphertexts, wrong msg_signatures and foreign app ids. A
refused push (400, 403, 413) reaches neither Rasa nor the store; an accepted one is answered with
a reply to its sender (or "success"), and the text Rasa sees holds no ID or phone number.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pytest
import xmltodict
from hypothesis import strategies as st
from wechatpy.crypto import WeChatCrypto

from privacy import redact
from tests.fakes.wechat_push import WeChatPush, new_aes_key
from tests.fuzz.conftest import APP_ID, TOKEN, row_counts
from tests.fuzz.support import fuzz, one_in
from tests.fuzz.webhook.messages import DAMAGE, Damage, message_fields, message_xml
from webhook.security import sign

REFUSALS = {400, 403, 413}


@pytest.fixture
def post(app, rasa):
    """Send one push; check the answer and that a refused push changed nothing. Status and body."""
    client = app.test_client()
    engine = app.extensions["db_engine"]

    def state() -> tuple:
        return len(rasa.turns), len(rasa.events), row_counts(engine, "kv_entries")

    def send(params: dict, body: bytes, method: str = "POST") -> tuple[int, str]:
        before, turns = state(), len(rasa.turns)
        response = client.open("/wechat", method=method, query_string=params, data=body, content_type="text/xml")
        status = response.status_code
        assert status == 200 or status in REFUSALS, (status, response.get_data()[:300])
        if status != 200:
            error = response.get_json()["error"]
            assert isinstance(error, str) and error, "a refusal must say why"
            assert state() == before, "a refused push changed something"
        for _sender, text in rasa.turns[turns:]:
            assert redact(text) == text, "an identifier reached Rasa"
        return status, response.get_data(as_text=True)

    return send


def _check_reply(push, body: str, sender: str | None, mode: str) -> None:  # noqa: ANN001
    """A 200 is "success" or a well-formed text reply to the sender (encrypted in safe/compatible mode)."""
    if body == "success":
        return
    assert push.read(body, mode) is not None
    fields = xmltodict.parse(body)["xml"]
    if mode != "plaintext":
        plain = push.crypto.decrypt_message(body, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
        fields = xmltodict.parse(plain)["xml"]
    if sender is not None:
        assert fields["ToUserName"] == sender


def _count(statuses: dict[int, int], status: int) -> None:
    statuses[status] = statuses.get(status, 0) + 1


@st.composite
def tampered_query(draw: st.DrawFn, params: dict[str, str]) -> dict[str, str]:
    """The signed query, or one with a part missing, replaced, or an old/future timestamp."""
    how = draw(st.sampled_from(["keep"] * 6 + ["drop", "replace", "stale", "future"]))
    params = dict(params)
    if how == "drop":
        params.pop(draw(st.sampled_from(sorted(params))))
    elif how == "replace":
        params[draw(st.sampled_from(sorted(params)))] = draw(st.text(max_size=50))
    elif how in ("stale", "future"):
        params["timestamp"] = str(int(time.time()) + (-1 if how == "stale" else 1) * draw(st.integers(301, 10**9)))
    return params


@st.composite
def plaintext_pushes(draw: st.DrawFn, push) -> tuple[dict, bytes, str | None, str]:  # noqa: ANN001
    """(query, body, sender when the query is WeChat's own, method)."""
    fields = draw(message_fields())
    sender = fields.get("FromUserName")
    body = draw(message_xml(fields)).encode()
    if draw(one_in(5)):
        body, sender = draw(DAMAGE).apply(body), None
    if draw(one_in(20)):
        body = draw(st.binary(max_size=200))
    if draw(one_in(200)):
        body = b"<xml>" + b"x" * (64 * 1024) + b"</xml>"  # past the body limit: 413
    params = push.query()
    tampered = draw(tampered_query(params))
    method = "GET" if draw(one_in(20)) else "POST"
    return tampered, body, sender, method


def test_plaintext_pushes_never_fail_the_server(push, post):
    statuses: dict[int, int] = {}

    def check(example: tuple[dict, bytes, str | None, str]) -> None:
        params, body, sender, method = example
        status, answer = post(params, body, method)
        _count(statuses, status)
        if status == 200 and method == "POST":
            _check_reply(push, answer, sender, "plaintext")

    count = fuzz(plaintext_pushes(push), check)
    print(f"plaintext: {count} pushes, statuses {sorted(statuses.items())}")
    assert {200, 400, 403} <= set(statuses), statuses  # every branch was reached


def _envelope(encrypted: str, clear: dict[str, str] | None) -> bytes:
    inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in (clear or {}).items())
    return f"<xml><ToUserName>gh_yibao_test</ToUserName>{inner}<Encrypt>{encrypted}</Encrypt></xml>".encode()


@dataclass(frozen=True)
class EncryptedPush:
    """A safe- or compatible-mode push as drawn; sealed at send time (wechatpy's cipher uses ``random``)."""

    fields: dict[str, str]
    xml: str
    how: str
    damage: Damage
    random_body: bytes
    clear_copy: bool
    encrypt_type: str
    query: Callable[[dict[str, str]], dict[str, str]]

    def seal(self, push: WeChatPush) -> tuple[dict, bytes, str | None]:
        """(query, body, sender when the push is intact)."""
        params = push.query()
        crypto = push.crypto
        if self.how == "foreign_app":
            crypto = WeChatCrypto(TOKEN, push.aes_key, "wx_someone_else")
        elif self.how == "other_key":
            crypto = WeChatCrypto(TOKEN, new_aes_key(), APP_ID)
        sealed = xmltodict.parse(crypto.encrypt_message(self.xml, params["nonce"], params["timestamp"]))["xml"]
        encrypted = sealed["Encrypt"]
        if self.how in ("damaged", "damaged_signed"):
            encrypted = self.damage.apply(encrypted.encode()).decode("latin-1")
        elif self.how == "random":
            encrypted = base64.b64encode(self.random_body).decode()
        signature = sealed["MsgSignature"]
        if self.how in ("damaged_signed", "random", "foreign_app", "other_key"):
            signature = sign(TOKEN, params["timestamp"], params["nonce"], encrypted)  # reaches the decryption
        params.update(encrypt_type=self.encrypt_type if self.how != "raw" else "raw", msg_signature=signature)
        body = _envelope(encrypted, self.fields if self.clear_copy else None)  # compatible mode: clear copy
        if self.how == "no_encrypt":
            body = self.xml.encode()
        sender = self.fields.get("FromUserName") if self.how == "valid" else None
        return self.query(params), body, sender


@st.composite
def encrypted_pushes(draw: st.DrawFn) -> EncryptedPush:
    """Pushes in safe or compatible mode, often with a damaged envelope or ciphertext."""
    fields = draw(message_fields())
    how = draw(st.sampled_from(["valid"] * 4 + ["damaged", "damaged_signed", "foreign_app", "other_key",
                                                 "random", "no_encrypt", "raw"]))
    tamper = draw(st.data())
    return EncryptedPush(fields, draw(message_xml(fields)), how, draw(DAMAGE), draw(st.binary(max_size=120)),
                         draw(st.booleans()), draw(st.sampled_from(["aes", "aes", "AES"])),
                         lambda params: tamper.draw(tampered_query(params)))


def test_encrypted_pushes_never_fail_the_server(push, post):
    statuses: dict[int, int] = {}

    def check(example: EncryptedPush) -> None:
        params, body, sender = example.seal(push)
        status, answer = post(params, body)
        _count(statuses, status)
        if status == 200 and params.get("encrypt_type", "").lower() == "aes":
            _check_reply(push, answer, sender, "safe")

    count = fuzz(encrypted_pushes(), check)
    print(f"safe/compatible: {count} pushes, statuses {sorted(statuses.items())}")
    assert {200, 400, 403} <= set(statuses), statuses
