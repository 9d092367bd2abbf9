"""Parsing pushes into kinds, dedupe keys, and refusing what is not a WeChat message."""

from __future__ import annotations

import pytest

from tests.fakes.wechat_push import event_xml, media_xml, text_xml, voice_xml
from webhook.inbound import Kind, MalformedMessage, parse_inbound, pseudonym

OPENID = "oUser_123-abc"


def test_text_message():
    message = parse_inbound(text_xml(OPENID, " 异地就医怎么备案 ", msg_id=42))
    assert (message.kind, message.text, message.dedupe_key, message.openid) == (Kind.TEXT, "异地就医怎么备案", "msg:42", OPENID)
    assert message.who == pseudonym(OPENID) and OPENID not in message.who


def test_voice_with_recognition_is_text_and_without_is_media():
    assert parse_inbound(voice_xml(OPENID, "起付线是多少")).kind is Kind.TEXT
    assert parse_inbound(voice_xml(OPENID, None)).kind is Kind.MEDIA


@pytest.mark.parametrize(("msg_type", "extra"), [("image", {"PicUrl": "http://x"}), ("video", {}), ("shortvideo", {}),
                                                 ("location", {"Label": "某地"}), ("link", {"Url": "http://x"}),
                                                 ("file", {}), ("hologram", {})])
def test_media_and_unknown_types(msg_type, extra):
    message = parse_inbound(media_xml(OPENID, msg_type, **extra))
    assert message.kind is Kind.MEDIA and message.msg_type == msg_type


def test_events_are_keyed_by_sender_and_time():
    subscribe = parse_inbound(event_xml(OPENID, "subscribe", create_time=1700000000))
    again = parse_inbound(event_xml(OPENID, "subscribe", create_time=1700000000))
    other = parse_inbound(event_xml("oOther", "subscribe", create_time=1700000000))
    assert subscribe.kind is Kind.SUBSCRIBE and subscribe.dedupe_key == again.dedupe_key != other.dedupe_key
    assert OPENID not in subscribe.dedupe_key
    click = parse_inbound(event_xml(OPENID, "CLICK", key="CROSS_REGION_FILING"))
    assert (click.kind, click.text) == (Kind.CLICK, "CROSS_REGION_FILING")
    assert parse_inbound(event_xml(OPENID, "subscribe", key="qrscene_7")).kind is Kind.SUBSCRIBE
    for event in ("unsubscribe", "VIEW", "LOCATION", "TEMPLATESENDJOBFINISH", "whatever"):
        assert parse_inbound(event_xml(OPENID, event)).kind is Kind.EVENT


@pytest.mark.parametrize(
    "body",
    [
        "", "not xml", "<xml>", "<xml>text</xml>", "<other/>", "<xml><MsgType>text</MsgType></xml>",
        text_xml("bad openid!", "hi"), text_xml(OPENID, "hi").replace("<MsgId>", "<MsgId>x"),
        text_xml(OPENID, "hi").replace("</xml>", "<MsgType>image</MsgType></xml>"),
        text_xml(OPENID, "hi", create_time=1).replace(">1<", ">soon<"),
        '<!DOCTYPE x [<!ENTITY e "boom">]><xml><ToUserName>&e;</ToUserName></xml>',
    ],
)
def test_malformed_bodies_are_refused(body):
    with pytest.raises(MalformedMessage):
        parse_inbound(body)
