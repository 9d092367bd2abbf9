"""Residents rate answers over the real REST channel (Rasa, action server, app); staff see the
thumbs-down questions on the console's 未答问题 page and the counts on the dashboard."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from sqlalchemy import select

from console.accounts import create_user
from knowledge.feedback import AnswerFeedback
from knowledge.unanswered import sender_digest
from storage.db import make_engine, make_sessionmaker, session_scope
from tests.fakes.wechat_push import text_xml
from tests.integration.wechat import WeChatClientSide

pytestmark = pytest.mark.integration

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_UNHELPFUL_CHOICE = re.compile(r"回复(\d+)：没帮助")
HELPFUL, UNHELPFUL = "/feedback_helpful", "/feedback_unhelpful"


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def payloads(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons") or []]


def sender() -> str:
    return f"feedback-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def sessions(stack):
    engine = make_engine(stack.settings.db_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def ratings_of(stack, sessions, user: str) -> list[AnswerFeedback]:
    """The rows recorded for one chat, found by the app's salted hash of its sender id."""
    digest = sender_digest(user, stack.settings.secret_key())
    with session_scope(sessions) as session:
        return list(session.scalars(select(AnswerFeedback).where(AnswerFeedback.sender_hash == digest)
                                    .order_by(AnswerFeedback.id)))


@pytest.fixture(scope="module")
def editor(stack, sessions) -> requests.Session:
    """A console session of a fresh editor, logged in through the form."""
    name, password = f"fb-editor-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    with session_scope(sessions) as session:
        create_user(session, name, "editor", password)
    http = requests.Session()
    token = _CSRF.search(http.get(f"{stack.settings.app_url}/login", timeout=30).text).group(1)
    response = http.post(f"{stack.settings.app_url}/login", timeout=30,
                         data={"username": name, "password": password, "csrf_token": token})
    assert response.ok and "/console" in response.url
    return http


def test_thumbs_down_button_is_recorded_and_shown_on_the_unanswered_page(stack, sessions, editor):
    user, question = sender(), "生完孩子生育津贴怎么申请"
    answer = stack.send(user, question)
    assert "依据：《" in texts(answer)
    assert payloads(answer)[-2:] == [HELPFUL, UNHELPFUL]  # 有帮助 / 没帮助 under the answer
    sorry = stack.send(user, UNHELPFUL)
    assert "抱歉" in texts(sorry) and "/human_handoff" in payloads(sorry)
    tracker = requests.get(f"{stack.settings.rasa_url}/conversations/{user}/tracker", timeout=10).json()
    entry_id = next(e["value"] for e in reversed(tracker["events"])
                    if e.get("event") == "slot" and e.get("name") == "answered_entry" and e.get("value"))
    [row] = ratings_of(stack, sessions, user)
    assert (row.text, row.entry_id, row.helpful) == (question, entry_id, False)

    page = editor.get(f"{stack.settings.app_url}/console/unanswered", params={"kind": "thumbs_down"}, timeout=30)
    assert page.status_code == 200
    group = next(g for g in re.findall(r'<tr class="group">(.*?)</tr>', page.text, re.S) if question in g)
    assert "差评" in group and f'href="/console/kb/{entry_id}"' in group and "据此新建条目" in group


def test_the_card_answer_can_be_rated_while_the_verification_link_waits(stack, sessions):
    user = sender()
    first = stack.send(user, "我的慢病卡刷不了")
    assert UNHELPFUL in payloads(first) and "/bind?t=" in texts(first)
    assert "抱歉" in texts(stack.send(user, UNHELPFUL))
    [row] = ratings_of(stack, sessions, user)
    assert row.entry_id.startswith("chronic_card_failure") and row.helpful is False


def test_typed_complaints_right_after_an_answer_are_thumbs_down(stack, sessions):
    for complaint in ("答非所问", "不对", "这个回答没用"):
        user = sender()
        assert "依据：《" in texts(stack.send(user, "异地就医怎么备案"))
        reply = texts(stack.send(user, complaint))
        assert "抱歉" in reply, (complaint, reply)
        assert [row.helpful for row in ratings_of(stack, sessions, user)] == [False], complaint


def test_thumbs_up_is_counted_once_and_the_dashboard_shows_it(stack, sessions, editor):
    user = sender()
    stack.send(user, "起付线是什么意思")
    assert "谢谢您的反馈" in texts(stack.send(user, HELPFUL))
    stack.send(user, UNHELPFUL)  # the same answer again: no second rating
    assert [row.helpful for row in ratings_of(stack, sessions, user)] == [True]
    page = editor.get(f"{stack.settings.app_url}/console/dashboard", timeout=60).text
    ratings = re.search(r'id="ratings">(.*?)</div>\s*<table', page, re.S).group(1)
    assert int(re.findall(r"<strong>(\d+)</strong>", ratings)[0]) >= 1


def test_the_rated_question_keeps_no_phone_number(stack, sessions):
    user, phone = sender(), "19912345678"
    stack.send(user, f"我手机{phone}，住院报销比例是多少")
    stack.send(user, UNHELPFUL)
    [row] = ratings_of(stack, sessions, user)
    assert phone not in row.text and "住院" in row.text and user not in (row.sender_hash or "")


def test_no_answer_no_rating(stack, sessions):
    user = sender()
    stack.send(user, "帮我推荐一只明天会涨的股票")
    assert "抱歉" in texts(stack.send(user, "没用"))
    assert ratings_of(stack, sessions, user) == []


def test_on_wechat_the_numbered_choice_rates_the_answer(stack, wechat, sessions):
    wx, user = WeChatClientSide(stack.settings.app_url, wechat.push), f"oFeedback{uuid.uuid4().hex[:16]}"

    def turn(text: str, sent_before: int) -> str:
        """The passive reply, or the customer-service message when the bot took longer than the budget."""
        return wx.reply(text_xml(user, text)) or wechat.platform.wait_for(user, sent_before + 1, timeout=20)[-1]

    answer = turn("医保断缴了怎么补", 0)
    choice = _UNHELPFUL_CHOICE.search(answer)
    assert choice, answer
    assert "抱歉" in turn(choice.group(1), len(wechat.platform.messages_to(user)))
    assert [row.helpful for row in ratings_of(stack, sessions, user)] == [False]
