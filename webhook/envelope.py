"""The three message modes: plaintext, compatible and safe (AES via wechatpy's WeChatCrypto).

In compatible and safe mode WeChat adds ``encrypt_type=aes`` and ``msg_signature`` to the URL and
puts the message, encrypted, in ``<Encrypt>``. We then read only the decrypted copy (compatible
mode also sends the fields in clear, unauthenticated) and encrypt the reply the same way.
"""

from __future__ import annotations

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.replies import TextReply

from webhook.inbound import Inbound, MalformedMessage
from webhook.security import Rejected, check_msg_signature

#: The reply that acknowledges a message without answering it (WeChat does not retry).
SUCCESS = "success"


def is_encrypted(args: dict) -> bool:
    """True when WeChat sent the message encrypted (compatible or safe mode)."""
    return args.get("encrypt_type", "raw").lower() == "aes"


def open_envelope(crypto: WeChatCrypto | None, body: str, args: dict) -> str:
    """The message XML from an encrypted push.

    Raises:
        Rejected: bad ``msg_signature``, or a ciphertext made for another app id.
        MalformedMessage: no ``<Encrypt>``, or a ciphertext that does not decrypt.
    """
    if crypto is None:
        raise MalformedMessage("encrypted message but WECHAT_ENCODING_AES_KEY is not set")
    try:
        fields = xmltodict.parse(body, disable_entities=True).get("xml")
    except Exception as exc:  # noqa: BLE001 - expat and xmltodict raise several types
        raise MalformedMessage(f"not XML: {type(exc).__name__}") from exc
    encrypted = fields.get("Encrypt") if isinstance(fields, dict) else None
    if not isinstance(encrypted, str) or not encrypted.strip():
        raise MalformedMessage("no <Encrypt> element")
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    check_msg_signature(crypto.token, args.get("msg_signature", ""), timestamp, nonce, encrypted)
    try:
        return crypto.decrypt_message({"Encrypt": encrypted}, args["msg_signature"], timestamp, nonce)
    except InvalidAppIdException as exc:
        raise Rejected("message encrypted for another app id") from exc
    except Exception as exc:  # noqa: BLE001 - padding, base64, length and decoding errors
        raise MalformedMessage(f"ciphertext does not decrypt: {type(exc).__name__}") from exc


def reply_xml(message: Inbound, text: str) -> str:
    """The passive text reply to ``message``."""
    # A CDATA section cannot contain "]]>"; a space keeps the text readable.
    return TextReply(source=message.account, target=message.openid, content=text.replace("]]>", "]] >")).render()


def seal(crypto: WeChatCrypto | None, xml: str, args: dict) -> str:
    """``xml`` encrypted (with the request's nonce) when the push was encrypted, else as is."""
    if crypto is None or not is_encrypted(args) or xml == SUCCESS:
        return xml
    return crypto.encrypt_message(xml, args.get("nonce", ""))
