"""The WeChat channel end to end: signed and encrypted pushes to the real app, a real Rasa behind it.

The fake platform (tests/fakes/wechat_platform.py) receives customer-service messages; the proxy
in front of Rasa slows down or breaks the turns of one test's own senders.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from handoff.takeover import hand_back, take_over
from storage.db import make_engine, session_scope
from tests.fakes.wechat_push import MODES, event_xml, media_xml, next_msg_id, text_xml, voice_xml
from tests.integration.wechat import TEST_BUDGET_S, WeChatClientSide
from webhook.texts import load_texts

pytestmark = pytest.mark.integration

TEXTS = load_texts()
#: Longer than the worker's grace period: by then every delivery that will happen has happened.
SETTLE_S = 1.5


@pytest.fixture(scope="module")
def wx(stack, wechat) -> WeChatClientSide:
    client = WeChatClientSide(stack.settings.app_url, wechat.push)
    client.reply(text_xml(openid(), "你好"))  # Rasa's first turn is slow: warm it up
    return client


def openid() -> str:
    return f"oTest{uuid.uuid4().hex[:20]}"


def test_server_verification(wx, wechat):
    params = {**wechat.push.query(), "echostr": "8472650193"}
    response = requests.get(wx.url, params=params, timeout=10)
    assert (response.status_code, response.text) == (200, "8472650193")


def test_signed_question_gets_the_answer_as_passive_xml(wx):
    response = wx.post(text_xml(openid(), "异地就医怎么备案"))
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/xml")
    assert "<MsgType><![CDATA[text]]></MsgType>" in response.text
    answer = wx.push.read(response.text)
    assert "备案" in answer and "依据：《" in answer, answer


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_round_trips(wx, mode):
    answer = wx.reply(text_xml(openid(), "异地就医怎么备案"), mode)
    assert "依据：《" in answer, answer


def test_related_questions_are_numbered_and_a_number_asks_one(wx):
    user = openid()
    first = wx.reply(text_xml(user, "异地就医怎么备案"))
    assert "回复1：" in first, first
    follow_up = wx.reply(text_xml(user, "1"))
    assert "依据：《" in follow_up and follow_up != first, follow_up


def test_message_types(wx, wechat):
    user = openid()
    assert "依据：《" in wx.reply(voice_xml(user, "起付线是什么意思"))
    assert wx.reply(voice_xml(user, None)) == TEXTS.please_type
    for msg_type in ("image", "video", "location", "link", "some-new-type"):
        assert wx.reply(media_xml(user, msg_type)) == TEXTS.please_type
    assert wx.reply(event_xml(user, "subscribe")) == TEXTS.welcome_text()
    assert "依据：《" in wx.reply(event_xml(user, "CLICK", key="DEDUCTIBLE"))
    assert wx.reply(event_xml(user, "LOCATION")) is None
    assert wx.reply(event_xml(user, "unsubscribe")) is None
    assert wechat.platform.messages_to(user) == []


def test_three_parallel_retries_give_one_answer_from_one_turn(wx, wechat):
    user, msg_id = openid(), next_msg_id()
    xml = text_xml(user, "异地就医怎么备案", msg_id=msg_id)
    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(lambda _: wx.post(xml), range(3)))
    assert all(response.status_code == 200 for response in responses)
    answers = [wx.push.read(response.text) for response in responses]
    assert len([a for a in answers if a]) == 1 and answers.count(None) == 2, answers
    time.sleep(SETTLE_S)
    assert wechat.proxy.turns_of(user) == 1
    assert wechat.platform.messages_to(user) == []
    assert wx.reply(xml) is None  # a late retry: acknowledged, not answered again


def test_forged_signature_is_403_and_reaches_nothing(wx, wechat):
    user = openid()
    for mode in MODES:
        params, body = wx.push.build(text_xml(user, "伪造的消息"), mode)
        params["signature"] = "0" * 40
        response = requests.post(wx.url, params=params, data=body, timeout=10)
        assert response.status_code == 403, response.text
    params, body = wx.push.build(text_xml(user, "伪造的密文"), "safe")
    params["msg_signature"] = "0" * 40
    assert requests.post(wx.url, params=params, data=body, timeout=10).status_code == 403
    assert requests.get(wx.url, params={"signature": "x", "timestamp": "1", "nonce": "n", "echostr": "e"},
                        timeout=10).status_code == 403
    assert wechat.proxy.turns_of(user) == 0


def test_replayed_request_is_403(wx, wechat):
    user = openid()
    assert wx.post(text_xml(user, "重放"), timestamp=int(time.time()) - 600).status_code == 403
    assert wechat.proxy.turns_of(user) == 0


@pytest.mark.parametrize("body", [b"<xml><oops>", b"\x00\xff binary", b"<xml><MsgType>text</MsgType></xml>"])
def test_malformed_xml_is_400(wx, body):
    assert requests.post(wx.url, params=wx.push.query(), data=body, timeout=10).status_code == 400


def test_oversized_body_is_413(wx):
    assert wx.post(text_xml(openid(), "医" * 30_000)).status_code == 413


def test_slow_rasa_means_success_now_and_exactly_one_customer_service_message(wx, wechat):
    user = openid()
    wechat.proxy.slow[user] = TEST_BUDGET_S + 1.0
    started = time.monotonic()
    assert wx.reply(text_xml(user, "异地就医怎么备案")) is None
    assert time.monotonic() - started < TEST_BUDGET_S + 0.5
    messages = wechat.platform.wait_for(user, 1, timeout=15)
    assert len(messages) == 1 and "依据：《" in messages[0], messages
    time.sleep(SETTLE_S)
    assert wechat.platform.messages_to(user) == messages and wechat.proxy.turns_of(user) == 1


def test_retries_of_a_slow_message_start_one_turn_and_send_one_message(wx, wechat):
    user = openid()
    wechat.proxy.slow[user] = TEST_BUDGET_S + 1.0
    xml = text_xml(user, "起付线是什么意思", msg_id=next_msg_id())
    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(lambda _: wx.reply(xml, "safe"), range(3)))
    assert answers == [None, None, None]
    messages = wechat.platform.wait_for(user, 1, timeout=15)
    time.sleep(SETTLE_S)
    assert len(wechat.platform.messages_to(user)) == 1 and "依据：《" in messages[0]
    assert wechat.proxy.turns_of(user) == 1


def test_rasa_down_answers_busy_once(wx, wechat):
    user = openid()
    wechat.proxy.broken.add(user)
    assert wx.reply(text_xml(user, "异地就医怎么备案")) == TEXTS.busy
    wechat.proxy.slow[user] = TEST_BUDGET_S + 0.5  # down and slow: busy, asynchronously
    assert wx.reply(text_xml(user, "慢病卡刷不了")) is None
    assert wechat.platform.wait_for(user, 1, timeout=15) == [TEXTS.busy]
    time.sleep(SETTLE_S)
    assert wechat.platform.messages_to(user) == [TEXTS.busy]


def test_expired_token_is_refreshed_and_the_message_sent_once(wx, wechat):
    user = openid()
    wechat.proxy.slow[user] = TEST_BUDGET_S + 0.5
    wx.reply(text_xml(user, "医保怎么缴费"))
    wechat.platform.wait_for(user, 1, timeout=15)
    calls = wechat.platform.token_calls
    wechat.platform.expire_tokens()
    wx.reply(text_xml(user, "住院报销比例是多少"))
    wechat.platform.wait_for(user, 2, timeout=15)
    wechat.platform.revoke_tokens()
    wx.reply(text_xml(user, "异地就医怎么备案"))
    messages = wechat.platform.wait_for(user, 3, timeout=15)
    time.sleep(SETTLE_S)
    assert len(wechat.platform.messages_to(user)) == 3 == len(messages)
    assert wechat.platform.token_calls == calls + 2


def test_takeover_silences_the_bot_and_the_agent_sees_the_message(wx, wechat, stack):
    user = openid()
    engine = make_engine(stack.settings.db_url)
    with session_scope(engine) as session:
        take_over(session, user, "wechat", "agent-7")
    try:
        assert wx.reply(text_xml(user, "我想找人工问问报销的事")) is None
        assert wx.reply(media_xml(user, "image")) is None
        assert wechat.proxy.turns_of(user) == 0
        tracker = requests.get(f"{stack.settings.rasa_url}/conversations/{user}/tracker", timeout=10).json()
        said = [event.get("text") for event in tracker["events"] if event.get("event") == "user"]
        assert said == ["我想找人工问问报销的事", "[图片]"]
        assert not any(event.get("event") == "bot" for event in tracker["events"])
    finally:
        with session_scope(engine) as session:
            hand_back(session, user)
        engine.dispose()
    assert "依据：《" in wx.reply(text_xml(user, "异地就医怎么备案"))


def test_identifiers_reach_neither_rasa_nor_the_logs(wx, stack):
    user, id_number = openid(), "990101199001011132"
    wx.reply(text_xml(user, f"我身份证{id_number}，慢病卡刷不了怎么办"))
    tracker = requests.get(f"{stack.settings.rasa_url}/conversations/{user}/tracker", timeout=10).json()
    assert tracker["events"] and id_number not in str(tracker)
    for name in ("rasa", "actions", "app"):
        assert id_number not in stack.log(name)
    assert user not in stack.log("app")  # openids are logged as short hashes only
