"""WeChat's side of the webhook: signed (and encrypted) pushes to /wechat, and reading the replies.

Built with wechatpy's own signer and WeChatCrypto, as the platform would. Transport-agnostic:
``build`` gives query parameters and body for Flask's test client or for requests.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import time
from dataclasses import dataclass

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

ACCOUNT = "gh_yibao_test"
MODES = ("plaintext", "compatible", "safe")
_msg_ids = itertools.count(int(time.time() * 1000) % 10**12 * 1000)


def new_aes_key() -> str:
    """A random EncodingAESKey (43 characters, as the platform shows it)."""
    return base64.b64encode(secrets.token_bytes(32)).decode()[:-1]


def next_msg_id() -> int:
    return next(_msg_ids)


def _sign(*values: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*values)
    return signer.signature


def _cdata(fields: dict) -> str:
    inner = "".join(
        f"<{name}>{value}</{name}>" if isinstance(value, int) else f"<{name}><![CDATA[{value}]]></{name}>"
        for name, value in fields.items()
    )
    return f"<xml>{inner}</xml>"


def text_xml(openid: str, content: str, msg_id: int | None = None, create_time: int | None = None) -> str:
    return _cdata({"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": create_time or int(time.time()),
                   "MsgType": "text", "Content": content, "MsgId": msg_id or next_msg_id()})


def voice_xml(openid: str, recognition: str | None, msg_id: int | None = None) -> str:
    fields = {"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": int(time.time()), "MsgType": "voice",
              "MediaId": "media-1", "Format": "amr", "MsgId": msg_id or next_msg_id()}
    if recognition is not None:
        fields["Recognition"] = recognition
    return _cdata(fields)


def media_xml(openid: str, msg_type: str, msg_id: int | None = None, **extra: str) -> str:
    return _cdata({"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": int(time.time()),
                   "MsgType": msg_type, **extra, "MsgId": msg_id or next_msg_id()})


def event_xml(openid: str, event: str, key: str | None = None, create_time: int | None = None) -> str:
    fields = {"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": create_time or int(time.time()),
              "MsgType": "event", "Event": event}
    if key is not None:
        fields["EventKey"] = key
    return _cdata(fields)


@dataclass
class WeChatPush:
    """Signs and encrypts pushes for one Official Account configuration."""

    token: str
    app_id: str
    aes_key: str

    @property
    def crypto(self) -> WeChatCrypto:
        return WeChatCrypto(self.token, self.aes_key, self.app_id)

    def query(self, timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
        """The signature, timestamp and nonce WeChat adds to every push."""
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        nonce = nonce or secrets.token_hex(5)
        return {"signature": _sign(self.token, stamp, nonce), "timestamp": stamp, "nonce": nonce}

    def build(self, xml: str, mode: str = "plaintext", timestamp: int | None = None) -> tuple[dict, bytes]:
        """Query parameters and body of a push of ``xml`` in ``mode`` (plaintext, compatible, safe)."""
        params = self.query(timestamp)
        if mode == "plaintext":
            return params, xml.encode()
        sealed = xmltodict.parse(self.crypto.encrypt_message(xml, params["nonce"], params["timestamp"]))["xml"]
        params.update(encrypt_type="aes", msg_signature=sealed["MsgSignature"])
        fields = xmltodict.parse(xml)["xml"] if mode == "compatible" else {"ToUserName": ACCOUNT}
        inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
        return params, f"<xml>{inner}<Encrypt><![CDATA[{sealed['Encrypt']}]]></Encrypt></xml>".encode()

    def read(self, body: str, mode: str = "plaintext") -> str | None:
        """The text of a passive reply (decrypted and signature-checked if encrypted); None for "success"."""
        if body in ("success", ""):
            return None
        fields = xmltodict.parse(body)["xml"]
        if mode != "plaintext":
            assert set(fields) >= {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}, fields
            plain = self.crypto.decrypt_message(body, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
            fields = xmltodict.parse(plain)["xml"]
        assert fields["MsgType"] == "text", fields
        return fields["Content"]
