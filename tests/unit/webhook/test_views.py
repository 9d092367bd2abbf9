"""GET/POST /wechat on a small app: verification, modes, message types, refusals, takeover."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from handoff.takeover import hand_back, send_agent_reply, take_over
from storage.db import session_scope
from tests.conftest import require_server
from tests.fakes.wechat_push import MODES, event_xml, media_xml, text_xml, voice_xml
from webhook.texts import load_texts

TEXTS = load_texts()


def openid() -> str:
    return f"o{uuid.uuid4().hex[:20]}"


def test_server_verification_echoes_echostr(make_harness):
    harness = make_harness()
    params = {**harness.push.query(), "echostr": "4711"}
    assert harness.client.get("/wechat", query_string=params).get_data(as_text=True) == "4711"
    params["signature"] = "0" * 40
    assert harness.client.get("/wechat", query_string=params).status_code == 403


@pytest.mark.parametrize("mode", MODES)
def test_text_question_is_answered_passively_in_every_mode(make_harness, mode):
    harness = make_harness()
    user = openid()
    assert harness.reply(text_xml(user, "异地就医怎么备案"), mode) == "答：异地就医怎么备案"
    assert (user, "异地就医怎么备案") in harness.rasa.turns


def test_compatible_mode_trusts_only_the_encrypted_copy(make_harness):
    harness = make_harness()
    user = openid()
    params, body = harness.push.build(text_xml(user, "真问题"), "compatible")
    body = body.replace("真问题".encode(), "假问题".encode(), 1)  # the clear copy is not signed
    response = harness.client.post("/wechat", query_string=params, data=body)
    assert harness.push.read(response.get_data(as_text=True), "safe") == "答：真问题"


def test_voice_recognition_is_a_question_and_media_gets_please_type(make_harness):
    harness = make_harness()
    user = openid()
    assert harness.reply(voice_xml(user, "起付线是多少")) == "答：起付线是多少"
    assert harness.reply(voice_xml(user, None)) == TEXTS.please_type
    for msg_type in ("image", "video", "shortvideo", "location", "link", "file", "never-heard-of"):
        assert harness.reply(media_xml(user, msg_type)) == TEXTS.please_type


def test_subscribe_welcomes_and_a_number_asks_a_listed_topic(make_harness):
    harness = make_harness()
    user = openid()
    welcome = harness.reply(event_xml(user, "subscribe"))
    assert welcome == TEXTS.welcome_text() and "回复1：" in welcome
    assert harness.reply(text_xml(user, "1")) == f"答：{TEXTS.topics[0]}"


def test_menu_click_asks_its_question_and_other_events_are_silent(make_harness):
    harness = make_harness()
    user = openid()
    assert harness.reply(event_xml(user, "CLICK", key="CROSS_REGION_FILING")) == "答：异地就医怎么备案"
    assert harness.reply(event_xml(user, "CLICK", key="NO_SUCH_KEY")) == TEXTS.unknown_menu
    for event in ("unsubscribe", "VIEW", "LOCATION", "SOMETHING_NEW"):
        assert harness.reply(event_xml(user, event)) is None


def test_buttons_become_numbered_choices_and_a_number_picks_the_payload(make_harness, rasa):
    harness = make_harness()
    user = openid()
    rasa.responder = lambda sender, message: (
        [{"text": "可以备案。"}, {"text": "您可能还想问：", "buttons": [
            {"title": "备案要什么材料", "payload": "备案要什么材料"}, {"title": "转人工", "payload": "/human_handoff"}]}]
        if message == "异地就医怎么备案" else [{"text": f"答：{message}"}]
    )
    try:
        reply = harness.reply(text_xml(user, "异地就医怎么备案"))
        assert reply == "可以备案。\n\n您可能还想问：\n回复1：备案要什么材料\n回复2：转人工"
        assert harness.reply(text_xml(user, "2")) == "答：/human_handoff"
        assert harness.reply(text_xml(user, "2")) == "答：2"  # choices are gone after an answer without them
    finally:
        rasa.responder = type(rasa)().responder


def test_id_numbers_never_reach_rasa(make_harness, rasa, caplog):
    harness = make_harness()
    user = openid()
    with caplog.at_level("DEBUG"):
        harness.reply(text_xml(user, "我的身份证号990101199001011132怎么查"))
    sent = [message for sender, message in rasa.turns if sender == user]
    assert sent and "990101199001011132" not in sent[0] and "[身份证号已隐藏]" in sent[0]
    assert "990101199001011132" not in caplog.text and user not in caplog.text


def test_long_answer_is_split_passive_first_then_customer_service(make_harness, rasa, platform):
    harness = make_harness()
    user = openid()
    answer = "很长的政策说明。" * 200  # 4800 bytes: three parts
    rasa.responder = lambda sender, message: [{"text": answer}]
    try:
        first = harness.reply(text_xml(user, "长问题"))
        rest = platform.wait_for(user, 2, timeout=5)
    finally:
        rasa.responder = type(rasa)().responder
    assert len(first.encode()) <= 2048 and len(rest) == 2 and all(len(part.encode()) <= 2048 for part in rest)
    assert first + "".join(rest) == answer


def test_slow_rasa_gets_success_then_one_customer_service_message(make_harness, rasa, platform):
    harness = make_harness(WECHAT_REPLY_BUDGET_S="0.05")
    user = openid()
    rasa.delay_s = 0.3
    started = time.monotonic()
    assert harness.reply(text_xml(user, "慢问题")) is None
    assert time.monotonic() - started < 0.5
    assert platform.wait_for(user, 1, timeout=5) == ["答：慢问题"]
    time.sleep(0.5)
    assert platform.messages_to(user) == ["答：慢问题"]


def test_rasa_down_is_answered_busy(make_harness, rasa):
    harness = make_harness()
    rasa.status = 503
    assert harness.reply(text_xml(openid(), "问题")) == TEXTS.busy


def test_takeover_keeps_the_bot_silent_and_shows_the_agent(make_harness, rasa, platform):
    harness = make_harness()
    user = openid()
    sessions = harness.app.extensions["db_sessions"]
    with session_scope(sessions) as session:
        take_over(session, user, "wechat", "agent-1")
    turns = len(rasa.turns)
    assert harness.reply(text_xml(user, "人工在吗")) is None
    assert harness.reply(media_xml(user, "image")) is None
    assert len(rasa.turns) == turns
    events = [event for sender, event in rasa.events if sender == user]
    assert [e["text"] for e in events] == ["人工在吗", "[图片]"] and all(e["event"] == "user" for e in events)
    with session_scope(sessions) as session:
        send_agent_reply(session, user, "您好，我是人工客服")
        hand_back(session, user)
    assert platform.messages_to(user) == ["您好，我是人工客服"]
    assert harness.reply(text_xml(user, "谢谢")) == "答：谢谢"


@pytest.mark.parametrize("mode", MODES)
def test_forged_signature_is_403_and_nothing_is_processed(make_harness, rasa, mode):
    harness = make_harness()
    user = openid()
    params, body = harness.push.build(text_xml(user, "伪造"), mode)
    params["signature"] = "f" * 40
    assert harness.client.post("/wechat", query_string=params, data=body).status_code == 403
    if mode != "plaintext":
        params, body = harness.push.build(text_xml(user, "伪造"), mode)
        params["msg_signature"] = "f" * 40
        assert harness.client.post("/wechat", query_string=params, data=body).status_code == 403
    assert all(sender != user for sender, _ in rasa.turns)


def test_replayed_request_older_than_five_minutes_is_403(make_harness):
    harness = make_harness()
    assert harness.post(text_xml(openid(), "旧"), timestamp=int(time.time()) - 301).status_code == 403


@pytest.mark.parametrize("body", [b"not xml", b"<xml><a>1</a></xml>", "<xml>\xff</xml>".encode("latin-1"), b""])
def test_malformed_body_is_400(make_harness, body):
    harness = make_harness()
    response = harness.client.post("/wechat", query_string=harness.push.query(), data=body)
    assert response.status_code == 400


def test_broken_ciphertext_is_400(make_harness):
    harness = make_harness()
    from webhook.security import sign

    params = harness.push.query()
    params.update(encrypt_type="aes", msg_signature=sign("test-token", params["timestamp"], params["nonce"], "QUJD"))
    body = b"<xml><ToUserName>gh</ToUserName><Encrypt>QUJD</Encrypt></xml>"
    assert harness.client.post("/wechat", query_string=params, data=body).status_code == 400


def test_oversized_body_is_413(make_harness):
    harness = make_harness()
    xml = text_xml(openid(), "长" * 40_000)
    assert harness.post(xml).status_code == 413


def test_unconfigured_channel_answers_503(make_harness):
    harness = make_harness(WECHAT_TOKEN=None)
    response = harness.client.post("/wechat", query_string=harness.push.query(), data=b"<xml/>")
    assert response.status_code == 503 and b"WECHAT_TOKEN" in response.data
    assert harness.client.get("/wechat").status_code == 503


def test_bad_aes_key_answers_503_with_the_reason(make_harness):
    harness = make_harness(WECHAT_ENCODING_AES_KEY="short")
    response = harness.client.get("/wechat", query_string=harness.push.query())
    assert response.status_code == 503 and b"WECHAT_ENCODING_AES_KEY" in response.data


def test_a_retry_reaching_another_process_waits_for_the_first(make_harness, rasa):
    first, second = make_harness(), make_harness()  # two apps (processes) on one database
    user = openid()
    rasa.delay_s = 0.3
    xml = text_xml(user, "跨进程", msg_id=424242)
    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(lambda harness: harness.reply(xml), (first, second)))
    assert replies.count("答：跨进程") == 1 and replies.count(None) == 1
    assert [sender for sender, _ in rasa.turns].count(user) == 1


def test_redis_store_when_configured(make_harness):
    require_server("Redis", "127.0.0.1", 6379)
    harness = make_harness(YIBAO_REDIS_URL="redis://127.0.0.1:6379/0")
    assert type(harness.app.extensions["wechat"].store).__name__ == "RedisStore"
    user = openid()
    xml = text_xml(user, "用Redis")
    assert harness.reply(xml) == "答：用Redis"
    assert harness.reply(xml) is None
