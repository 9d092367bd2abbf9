"""Residents' ratings and the failed-question groups, on a migrated SQLite file and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import Engine, inspect

from knowledge.feedback import AnswerFeedback, feedback_summary, record_feedback
from knowledge.unanswered import UnansweredQuestion, record_unanswered, sender_digest
from knowledge.unanswered_groups import (
    LOW_CONFIDENCE,
    THUMBS_DOWN,
    FailedQuestion,
    group_questions,
    recent_groups,
)
from storage.db import make_engine, session_scope
from storage.migrate import alembic_config, upgrade

SALT = "test-salt"
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path) -> Iterator[Engine]:
    """An engine on a database migrated to the newest revision: a SQLite file, or a PostgreSQL schema."""
    url = f"sqlite:///{tmp_path / 'test.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_a_rating_keeps_the_redacted_question_the_entry_and_only_a_sender_hash(engine) -> None:
    with session_scope(engine) as session:
        record_feedback(session, "我电话19912341132，異地就醫怎麼備案", "cross_region_filing-01", False, "wx-openid-7", SALT)
    with session_scope(engine) as session:
        row = session.query(AnswerFeedback).one()
    assert "19912341132" not in row.text and "异地就医" in row.text
    assert row.entry_id == "cross_region_filing-01" and row.helpful is False
    assert row.sender_hash == sender_digest("wx-openid-7", SALT) != "wx-openid-7"


def test_summary_counts_both_verdicts_and_ranks_the_disliked_entries(engine) -> None:
    with session_scope(engine) as session:
        for entry_id, helpful in (("a", False), ("a", False), ("b", False), ("b", True), ("c", True)):
            record_feedback(session, "起付线是多少", entry_id, helpful, "s", SALT)
        old = record_feedback(session, "很久以前的问题", "d", False, "s", SALT)
        old.created_at = datetime.now(timezone.utc) - timedelta(days=40)
    with session_scope(engine) as session:
        summary = feedback_summary(session, since=datetime.now(timezone.utc) - timedelta(days=30))
    assert (summary.helpful, summary.unhelpful) == (2, 3)
    assert summary.top_unhelpful == [("a", 2), ("b", 1)]
    assert summary.unhelpful_rate == pytest.approx(0.6)


def test_groups_join_low_confidence_and_thumbs_down_questions(engine) -> None:
    with session_scope(engine) as session:
        record_unanswered(session, "医保卡丢了在外地怎么补办", 0.1, None, "r1", SALT)
        record_feedback(session, "医保卡丢了在外地如何补办", "service_channels-02", False, "r2", SALT)
        record_feedback(session, "医保卡丢了外地怎么补办", "service_channels-02", False, "r2", SALT)
        record_feedback(session, "医保卡丢了在外地怎么补办呢", "service_channels-02", True, "r3", SALT)  # helped
        record_unanswered(session, "宠物看病能报销吗", 0.05, None, "r4", SALT)
    with session_scope(engine) as session:
        groups = recent_groups(session, days=30)
        down_only = recent_groups(session, days=30, kind=THUMBS_DOWN)
        low_only = recent_groups(session, days=30, kind=LOW_CONFIDENCE)
    card = groups[0]
    assert card.count == 3 and len(card.senders) == 2
    assert card.kinds == {LOW_CONFIDENCE: 1, THUMBS_DOWN: 2}
    assert card.entries == {"service_channels-02": 2}
    assert [g.text for g in groups[1:]] == ["宠物看病能报销吗"]
    assert [(g.count, dict(g.kinds)) for g in down_only] == [(2, {THUMBS_DOWN: 2})]
    assert {g.text for g in low_only} == {"宠物看病能报销吗", "医保卡丢了在外地怎么补办"}


def test_migration_0007_goes_down_and_up_again(engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    config = alembic_config(url)
    command.downgrade(config, "0006")
    tables = inspect(engine).get_table_names()
    assert "answer_feedback" not in tables and "unanswered_questions" in tables
    upgrade(url)
    assert "answer_feedback" in inspect(engine).get_table_names()
    command.check(config)


def test_grouping_counts_kinds_dates_and_entries_without_a_database() -> None:
    questions = [
        FailedQuestion("住院押金能退吗", NOW, "s1", THUMBS_DOWN, "inpatient_reimbursement-01"),
        FailedQuestion("住院押金可以退吗", NOW - timedelta(days=3), "s2", THUMBS_DOWN, "hospital_billing_dispute-01"),
        FailedQuestion("住院押金能不能退", NOW - timedelta(days=5), "s2"),
        FailedQuestion("生育津贴怎么领", NOW - timedelta(days=1), "s3"),
    ]
    first, second = group_questions(questions)
    assert (first.count, first.first, first.last) == (3, NOW - timedelta(days=5), NOW)
    assert first.kinds[THUMBS_DOWN] == 2 and first.kinds[LOW_CONFIDENCE] == 1
    assert set(first.entries) == {"inpatient_reimbursement-01", "hospital_billing_dispute-01"}
    assert first.examples[0] == "住院押金能退吗" and len(first.senders) == 2
    assert second.text == "生育津贴怎么领" and not second.entries


def test_unanswered_rows_still_default_to_low_confidence(engine) -> None:
    with session_scope(engine) as session:
        record_unanswered(session, "你们几点下班", 0.2, "nlu_fallback", None, SALT)
    with session_scope(engine) as session:
        assert session.query(UnansweredQuestion).one().reason == "low_confidence"
