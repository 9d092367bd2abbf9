"""Parse a WeChat push (already decrypted) into what the channel acts on: an :class:`Inbound`.

wechatpy's parser does the typing; this module checks the shape first (a flat ``<xml>`` of text
fields, a plausible openid), sorts messages into a few kinds, and names the dedupe key.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import Enum

import xmltodict
from wechatpy.parser import parse_message

#: Longest question passed on, in characters (Rasa's REST channel refuses longer ones).
MAX_TEXT_CHARS = 2000

_OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: Message types that carry no question we can read: the resident is asked to type instead.
MEDIA_TYPES = ("image", "video", "shortvideo", "location", "link", "file", "miniprogrampage")


class MalformedMessage(ValueError):
    """The body is not a WeChat message this channel can read."""


class Kind(str, Enum):
    """What the channel does with a message."""

    TEXT = "text"  # a question: text, or voice with WeChat's speech recognition
    CLICK = "click"  # a menu click whose EventKey may map to a question
    SUBSCRIBE = "subscribe"  # a new follower: the welcome
    MEDIA = "media"  # a picture, video, location, link, voice without text, unknown type
    EVENT = "event"  # any other event: nothing to say


@dataclass(frozen=True)
class Inbound:
    """One message from a resident, reduced to what the channel needs."""

    kind: Kind
    openid: str
    account: str  # ToUserName: the Official Account, the sender of our reply
    msg_type: str  # WeChat's MsgType (or event name), for logs and placeholders
    dedupe_key: str
    text: str = ""  # the question for TEXT, the EventKey for CLICK

    @property
    def who(self) -> str:
        """A short hash of the openid for logs (openids are pseudonymous, not anonymous)."""
        return pseudonym(self.openid)


def digest(openid: str) -> str:
    """The openid's SHA-256 (hex): names a resident in store keys without the openid itself."""
    return hashlib.sha256(f"wechat:{openid}".encode()).hexdigest()


def pseudonym(openid: str) -> str:
    """Ten hex digits of :func:`digest`: enough to follow one resident through the logs."""
    return digest(openid)[:10]


def _check_shape(xml: str) -> dict:
    try:
        document = xmltodict.parse(xml, disable_entities=True)
    except Exception as exc:  # noqa: BLE001 - expat and xmltodict raise several types
        raise MalformedMessage(f"not XML: {type(exc).__name__}") from exc
    fields = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(fields, dict):
        raise MalformedMessage("no <xml> element with fields")
    for name in ("ToUserName", "FromUserName", "MsgType", "CreateTime"):
        if not isinstance(fields.get(name), str) or not fields[name].strip():
            raise MalformedMessage(f"missing or repeated <{name}>")
    if not _OPENID.match(fields["FromUserName"]):
        raise MalformedMessage("FromUserName is not an openid")
    if not fields["CreateTime"].isdigit():
        raise MalformedMessage("CreateTime is not a number")
    return fields


def _text_field(fields: dict, name: str) -> str:
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else ""


def parse_inbound(xml: str) -> Inbound:
    """The :class:`Inbound` for a decrypted push; raises :class:`MalformedMessage`."""
    fields = _check_shape(xml)
    try:
        message = parse_message(xml)
        msg_type = fields["MsgType"].strip().lower()
        msg_id = message.id if msg_type != "event" else 0
    except Exception as exc:  # noqa: BLE001 - wechatpy's field converters raise anything
        raise MalformedMessage(f"unreadable fields: {type(exc).__name__}") from exc
    openid, account = fields["FromUserName"], fields["ToUserName"]
    if msg_type == "event":
        event = _text_field(fields, "Event").lower()
        # WeChat's advice is FromUserName + CreateTime; the event and its key tell apart two
        # different menu clicks within one second.
        event_key = _text_field(fields, "EventKey")
        key = f"evt:{digest(openid)}:{fields['CreateTime']}:{hashlib.sha256(f'{event}|{event_key}'.encode()).hexdigest()[:16]}"
        if event in ("subscribe",):
            return Inbound(Kind.SUBSCRIBE, openid, account, event, key)
        if event == "click":
            return Inbound(Kind.CLICK, openid, account, event, key, event_key)
        return Inbound(Kind.EVENT, openid, account, event or "event", key)
    key = f"msg:{msg_id}" if msg_id else f"msg:{digest(openid)}:{fields['CreateTime']}"
    if msg_type == "text":
        text = _text_field(fields, "Content")
        return Inbound(Kind.TEXT if text else Kind.MEDIA, openid, account, msg_type, key, text)
    if msg_type == "voice":
        text = _text_field(fields, "Recognition")
        return Inbound(Kind.TEXT if text else Kind.MEDIA, openid, account, msg_type, key, text)
    return Inbound(Kind.MEDIA, openid, account, msg_type[:32], key)
