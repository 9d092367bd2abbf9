"""Agents' pages: search, member lookup (audited), conversations with takeover; staff's dashboard,
unanswered questions and the audit log."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from console.tracker import TZ
from handoff import takeover
from handoff.models import Takeover
from knowledge.unanswered import UnansweredQuestion
from members.importing import import_catalog, import_facilities, import_members
from storage.audit import AuditEntry
from tests.unit.console.conftest import csrf_token, db

DEMO = Path(__file__).resolve().parents[3] / "members" / "demo"


def test_search_ranks_passages_and_marks_the_matched_words(as_user):
    page = as_user("agent1").get("/console/search?q=起付线是多少").get_data(as_text=True)
    assert "<mark>起付线</mark>" in page
    assert "得分" in page and "地区" in page and "年份" in page and "来源" in page
    assert 'data-copy="#answer-1"' in page


def test_search_escapes_what_it_shows(as_user):
    page = as_user("agent1").get("/console/search?q=<script>alert(1)</script>起付线").get_data(as_text=True)
    assert "<script>alert(1)" not in page


@pytest.fixture(scope="module")
def demo_members(app):
    with db(app) as session:
        for load, name in ((import_facilities, "facilities"), (import_catalog, "catalog"), (import_members, "members")):
            load(session, DEMO / f"{name}.jsonl", who="test", role="operator")


def lookup(client, **fields):
    data = {"csrf_token": csrf_token(client, "/console/lookup"), "kind": "member_id", "benefit_type": "outpatient_general",
            "check_date": "2025-06-15", "facility_id": "F-SM-H01", **fields}
    return client.post("/console/lookup", data=data).get_data(as_text=True)


def test_lookup_shows_a_masked_profile_and_the_check_and_is_audited(app, as_user, demo_members):
    page = lookup(as_user("agent1"), value="SM-R-0301", reason="来电咨询新卡刷不了")
    assert "李*花" in page and "9901**********1725" in page
    assert "990101196608081725" not in page and "李春花" not in page
    assert "CARD_NOT_ACTIVATED" in page and "暂不能享受" in page
    with db(app) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.who == "agent1",
                                                        AuditEntry.action.in_(("member.lookup", "member.read")))).all()
    assert {row.action for row in rows} == {"member.lookup", "member.read"}
    assert all(row.reason == "来电咨询新卡刷不了" for row in rows)


def test_lookup_by_id_number(as_user, demo_members):
    page = lookup(as_user("agent1"), kind="id_number", value="990101196608081725", reason="本人来电核实")
    assert "李*花" in page


def test_lookup_needs_a_reason_and_reads_nothing_without_one(app, as_user, demo_members):
    with db(app) as session:
        before = len(session.scalars(select(AuditEntry).where(AuditEntry.action == "member.read")).all())
    page = lookup(as_user("admin1"), value="SM-R-0301", reason="")
    assert "请说明查询原因" in page and "李*花" not in page
    with db(app) as session:
        assert len(session.scalars(select(AuditEntry).where(AuditEntry.action == "member.read")).all()) == before


@pytest.fixture(scope="module")
def tracker(app):
    """A tracker store with one handed-off and one low-confidence conversation (Rasa's events table)."""
    path = Path(app.config["SETTINGS"].rasa_tracker_url.removeprefix("sqlite:///"))
    now = time.time()

    def event(sender, kind, offset, data, intent=None, action=None):
        return (sender, kind, now + offset, intent, action, json.dumps({"event": kind, **data}, ensure_ascii=False))

    rows = [
        event("resident-a", "user", 0, {"text": "我要转人工", "input_channel": "rest",
                                         "parse_data": {"intent": {"name": "human_handoff", "confidence": 0.97}}},
              intent="human_handoff"),
        event("resident-a", "action", 1, {"name": "action_handoff"}, action="action_handoff"),
        event("resident-a", "bot", 2, {"text": "好的，正在为您转接人工客服", "metadata": {"utter_action": "utter_handoff"}}),
        event("resident-b", "user", 3, {"text": "明天天气怎么样", "input_channel": "rest",
                                         "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.2}}},
              intent="nlu_fallback"),
        event("resident-b", "bot", 4, {"text": "这个问题我不太确定", "metadata": {"utter_action": "utter_kb_not_sure"}}),
        *(event("resident-c", "user", 5 + i, {"text": text, "input_channel": "rest",
                                               "parse_data": {"intent": {"name": intent, "confidence": 0.9}}},
                intent=intent)
          for i, (text, intent) in enumerate((("慢病卡刷不了", "chronic_card_failure"),
                                              ("门特卡又刷不出来", "chronic_card_failure"),
                                              ("有帮助", "feedback_helpful")))),
    ]
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                           "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                           "action_name VARCHAR(255), data TEXT)")
        connection.executemany("INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                               "VALUES (?, ?, ?, ?, ?, ?)", rows)
    return path


def test_conversations_filter_by_handoff_and_low_confidence(as_user, tracker):
    agent = as_user("agent1")
    everything = agent.get("/console/conversations").get_data(as_text=True)
    assert "resident-a" in everything and "resident-b" in everything
    handed = agent.get("/console/conversations?handed_off=1").get_data(as_text=True)
    assert "resident-a" in handed and "resident-b" not in handed
    low = agent.get("/console/conversations?low=1").get_data(as_text=True)
    assert "resident-b" in low and "resident-a" not in low
    today = datetime.now(TZ).date().isoformat()  # days are China's
    assert "resident-a" in agent.get(f"/console/conversations?day={today}").get_data(as_text=True)
    assert "resident-a" not in agent.get("/console/conversations?day=2001-01-01").get_data(as_text=True)


def test_take_over_reply_and_hand_back(app, as_user, tracker, monkeypatch):
    sent = []
    monkeypatch.setitem(takeover._senders, "rest", lambda sender, text: sent.append((sender, text)))
    agent = as_user("agent1")
    transcript = agent.get("/console/conversations/resident-a").get_data(as_text=True)
    assert "我要转人工" in transcript and "转人工" in transcript

    token = csrf_token(agent, "/console/conversations/resident-a")
    agent.post("/console/conversations/resident-a/takeover", data={"csrf_token": token})
    with db(app) as session:
        assert takeover.is_taken_over(session, "resident-a")
    assert as_user("admin1").post("/console/conversations/resident-a/reply",
                                  data={"csrf_token": token, "text": "x"}).status_code == 400  # another session's token
    agent.post("/console/conversations/resident-a/reply", data={"csrf_token": token, "text": "您好，我是坐席小王。"})
    assert sent == [("resident-a", "您好，我是坐席小王。")]
    agent.post("/console/conversations/resident-a/handback", data={"csrf_token": token})
    with db(app) as session:
        assert not takeover.is_taken_over(session, "resident-a")
        assert session.scalar(select(Takeover).where(Takeover.sender_id == "resident-a")).channel == "rest"
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith("handoff."))))
    assert actions == {"handoff.take_over", "handoff.reply", "handoff.hand_back"}


def test_the_rest_channel_asks_the_internal_api_whether_a_conversation_is_held(app, client):
    response = client.get("/api/v1/handoff/nobody", headers={"X-Internal-Token": "s3cret"})
    assert response.get_json() == {"sender_id": "nobody", "taken_over": False}
    assert client.get("/api/v1/handoff/nobody").status_code == 403


def test_dashboard_figures_and_charts(as_user, tracker):
    editor = as_user("editor1")
    page = editor.get("/console/dashboard").get_data(as_text=True)
    assert "居民消息" in page
    topics = page[page.index('<table id="topics">'):]
    topics = topics[:topics.index("</table>")]
    assert "慢病卡刷不了" in topics and "<td>2</td>" in topics  # the policy topic, by its Chinese name
    assert "feedback_helpful" not in topics and "human_handoff" not in topics  # ratings and requests are not topics
    for name in ("messages", "rates", "topics"):
        chart = editor.get(f"/console/dashboard/{name}.png")
        assert chart.mimetype == "image/png" and chart.data.startswith(b"\x89PNG")


def test_unanswered_questions_are_grouped_with_counts(app, as_user):
    now = datetime.now(timezone.utc)
    with db(app) as session:
        for text in ("医保卡丢了在外地怎么补办", "医保卡丢了在外地如何补办", "医保卡丢了外地怎么补办", "宠物看病能报销吗"):
            session.add(UnansweredQuestion(text=text, confidence=0.1, created_at=now))
    page = as_user("editor1").get("/console/unanswered").get_data(as_text=True)
    assert "医保卡丢了在外地怎么补办" in page and "<td>3</td>" in page and "宠物看病能报销吗" in page
    assert "/console/kb/new?question=" in page


def test_the_audit_log_lists_logins_lookups_and_changes(as_user):
    page = as_user("admin1").get("/console/audit").get_data(as_text=True)
    assert "auth.login" in page
    assert "auth.login" in as_user("admin1").get("/console/audit?category=auth").get_data(as_text=True)
