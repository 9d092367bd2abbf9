"""The knowledge base in the database: seeding, the review workflow, versions, the gate, replicas."""

from __future__ import annotations

import dataclasses

import pytest

from knowledge.devset import DevItem, Outcome
from knowledge.store.gate import compare
from knowledge.store.repository import (
    diff_lines,
    get_entry,
    history,
    kb_version,
    published_entries,
    seed_from_files,
)
from knowledge.store.workflow import (
    Actor,
    GateBlocked,
    HeldByAnother,
    NotAnEditor,
    SelfReview,
    publish,
    retire,
    rollback,
    save_draft,
    submit,
)
from storage.db import make_engine, make_sessionmaker, session_scope
from storage.migrate import upgrade

WANG, LI, ADMIN, AGENT = Actor("wang", "editor"), Actor("li", "editor"), Actor("root", "admin"), Actor("zhang", "agent")


@pytest.fixture
def sessions(tmp_path):
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def seeded(sessions):
    with session_scope(sessions) as session:
        assert seed_from_files(session) > 100
    return sessions


def _changed(session, entry_id: str, answer: str):
    entry = next(e for e in published_entries(session) if e.id == entry_id)
    return dataclasses.replace(entry, answer=answer)


def test_seeding_happens_once(seeded):
    with session_scope(seeded) as session:
        assert seed_from_files(session) == 0
        assert kb_version(session) == 1


def test_draft_review_publish_keeps_every_version(seeded):
    with session_scope(seeded) as session:
        save_draft(session, WANG, _changed(session, "maternity-001", "新答案。"), note="改答案")
        submit(session, WANG, "maternity-001")
        with pytest.raises(SelfReview):
            publish(session, WANG, "maternity-001", gate_blocked=False)
        publish(session, LI, "maternity-001", gate_blocked=False)
        assert next(e for e in published_entries(session) if e.id == "maternity-001").answer == "新答案。"
        versions = history(session, "maternity-001")
        assert [(v.number, v.author, v.reviewer) for v in versions] == [(2, "wang", "li"), (1, "seed", "seed")]
        assert any(line == "+新答案。" for line in diff_lines(versions[1].content, versions[0].content))
        assert kb_version(session) == 2


def test_rollback_restores_an_earlier_text_as_a_new_version(seeded):
    with session_scope(seeded) as session:
        original = next(e for e in published_entries(session) if e.id == "maternity-001").answer
        save_draft(session, WANG, _changed(session, "maternity-001", "新答案。"))
        submit(session, WANG, "maternity-001")
        publish(session, LI, "maternity-001", gate_blocked=False)
        restored = rollback(session, WANG, "maternity-001", 1)
        assert restored.number == 3 and get_entry(session, "maternity-001").live_version == 3
        assert next(e for e in published_entries(session) if e.id == "maternity-001").answer == original


def test_retire_removes_the_entry_until_a_rollback(seeded):
    with session_scope(seeded) as session:
        retire(session, WANG, "maternity-001")
        assert "maternity-001" not in {e.id for e in published_entries(session)}
        rollback(session, LI, "maternity-001", 1)
        assert "maternity-001" in {e.id for e in published_entries(session)}


def test_only_editors_write_and_nobody_overwrites_another_editors_draft(seeded):
    with session_scope(seeded) as session:
        with pytest.raises(NotAnEditor):
            save_draft(session, AGENT, _changed(session, "maternity-002", "x"))
        save_draft(session, WANG, _changed(session, "maternity-002", "王的草稿"))
        with pytest.raises(HeldByAnother):
            save_draft(session, LI, _changed(session, "maternity-002", "李的草稿"))


def test_a_blocked_gate_needs_an_admin_override(seeded):
    with session_scope(seeded) as session:
        save_draft(session, WANG, _changed(session, "maternity-001", "新答案。"))
        submit(session, WANG, "maternity-001")
        with pytest.raises(GateBlocked):
            publish(session, LI, "maternity-001", gate_blocked=True, override=True)  # editors cannot override
        publish(session, ADMIN, "maternity-001", gate_blocked=True, override=True)
        assert get_entry(session, "maternity-001").live_version == 2


def _outcome(question: str, expected: set[str], top: tuple[str, ...]) -> Outcome:
    return Outcome(DevItem(question, frozenset(expected)), top, 0.9)


def test_gate_reports_changed_questions_and_blocks_below_the_floor():
    before = [_outcome(f"q{i}", {f"e{i}"}, (f"e{i}", "x", "y")) for i in range(50)]
    after = [*before[:48], _outcome("q48", {"e48"}, ("x", "y", "z")), _outcome("q49", {"e49"}, ("x", "y", "z"))]
    report = compare(before, after, max_drop_points=2)
    assert report.baseline == 1.0 and report.candidate == pytest.approx(0.96)
    assert report.blocked and [c.question for c in report.lost] == ["q48", "q49"]
    assert not compare(before, after[:49] + before[49:], max_drop_points=2).blocked  # one lost = 2 points


def test_replicas_rebuild_when_another_publishes(seeded, monkeypatch, tmp_path):
    from service.knowledge_service import KnowledgeService
    from service.settings import Settings

    monkeypatch.setenv("YIBAO_MODEL_DIR", str(tmp_path / "no-model"))
    monkeypatch.setenv("YIBAO_KB_CHECK_INTERVAL_S", "0")
    replica = KnowledgeService(Settings(), seeded)
    before = replica.search.entries["maternity-001"].answer
    with session_scope(seeded) as session:
        save_draft(session, WANG, _changed(session, "maternity-001", "另一副本发布的答案。"))
        submit(session, WANG, "maternity-001")
        publish(session, LI, "maternity-001", gate_blocked=False)
    assert before != "另一副本发布的答案。"
    assert replica.search.entries["maternity-001"].answer == "另一副本发布的答案。"
