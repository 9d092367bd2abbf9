"""A verified resident's own words → situation → check request → result (members/situation.py,
members/resident_check.py) and the chat's check-date rule (members/check_date.py)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from members.check_date import check_date_for
from members.enums import BenefitType
from members.importing import import_catalog, import_facilities, import_members
from members.parse import parse
from members.resident_check import check_situation, request_for, understand
from members.service import CheckRequest, check_member
from members.situation import UNKNOWN, Situation
from members.store import load_record, member_ref_for
from storage.db import make_engine, session_scope
from storage.migrate import upgrade

DEMO = Path(__file__).resolve().parents[3] / "members" / "demo"
WHO = {"who": "test", "role": "test"}
TODAY = date(2026, 3, 1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A migrated SQLite database with the demo data, shared by this module's tests (they only read)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('chat') / 'demo.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        import_facilities(session, DEMO / "facilities.jsonl", **WHO)
        import_catalog(session, DEMO / "catalog.jsonl", **WHO)
        import_members(session, DEMO / "members.jsonl", **WHO)
    yield engine
    engine.dispose()


def test_every_demo_question_gets_its_readme_answer_on_the_day_after_the_record(demo):
    """The rule of members/check_date.py keeps every answer of members/demo/checks.jsonl."""
    cases = [json.loads(line) for line in (DEMO / "checks.jsonl").read_text(encoding="utf-8").splitlines()]
    with session_scope(demo) as session:
        for case in cases:
            ref = member_ref_for(session, case["member_id"])
            record = load_record(session, ref, reason="test", **WHO)
            request = parse(CheckRequest, case["request"])
            request = dataclasses.replace(request, check_date=check_date_for(record, TODAY))
            result = check_member(session, ref, request, reason="test", **WHO)
            assert (result.verdict.value, result.reason_code) == (
                case["expected_verdict"], case["expected_reason_code"]), case["title"]


def test_real_records_are_checked_for_today(demo):
    with session_scope(demo) as session:
        record = load_record(session, member_ref_for(session, "JY-E-1501"), reason="test", **WHO)
    assert check_date_for(record, TODAY) == date(2012, 7, 12)
    assert check_date_for(dataclasses.replace(record, synthetic=False), TODAY) == TODAY
    assert check_date_for(dataclasses.replace(record, id_number="980102195203051132"), TODAY) == TODAY
    assert check_date_for(dataclasses.replace(record, record_updated_at=None), TODAY) == TODAY
    updated = dataclasses.replace(record, record_updated_at=datetime(2019, 7, 9, 23, 59))
    assert check_date_for(updated, TODAY) == date(2019, 7, 9) + timedelta(days=1)


@pytest.mark.parametrize(("text", "asked", "expected"), [
    ("在嘉鱼某药店买降压药", None,
     Situation(place="pharmacy", facility=UNKNOWN, subject="item", item="D-AML5", disease="I10")),
    ("药店", "place", Situation(place="pharmacy")),
    ("不是药店，是医院", None, Situation(place="hospital")),
    ("东街那家大药房", "facility", Situation(place="pharmacy", facility="F-JY-PH01")),
    ("嘉鱼县人民医院", None, Situation(place="hospital", facility="F-JY-H01")),
    ("不知道", "facility", Situation(facility=UNKNOWN)),
    ("不知道", None, Situation()),
    ("氨氯地平", "subject", Situation(subject="item", item="D-AML5", disease="I10")),
    ("高血压的药", "subject", Situation(subject="disease", disease="I10")),
    ("记不清了", "subject", Situation(subject=UNKNOWN)),
    ("城南平价药房买阿莫西林", None, Situation(place="pharmacy", facility="F-JY-PH02", subject="item", item="D-AMOX")),
    ("不是", "emergency", Situation(emergency=False)),
    ("是的", "emergency", Situation(emergency=True)),
    ("昨天晚上120送去医院抢救", None, Situation(place="hospital", emergency=True)),
    ("在县医院住院", None, Situation(place="hospital", inpatient=True)),
    ("你好", None, Situation()),
])
def test_words_become_a_situation(demo, text, asked, expected):
    with session_scope(demo) as session:
        ref = member_ref_for(session, "JY-E-1501")
        assert understand(session, ref, text, asked, who="chat:test") == expected


def test_a_vanished_record_reads_as_nothing(demo):
    with session_scope(demo) as session:
        assert understand(session, "no-such-ref", "在嘉鱼某药店买降压药", None, who="chat:test") == Situation()


@pytest.mark.parametrize(("situation", "benefit", "disease"), [
    (Situation(place="pharmacy", facility=UNKNOWN, subject="item", item="D-AML5", disease="I10"),
     BenefitType.CHRONIC_OUTPATIENT, "I10"),
    (Situation(place="pharmacy", facility="F-JY-PH02", subject="item", item="D-AMOX"),
     BenefitType.PHARMACY_PERSONAL_ACCOUNT, None),
    (Situation(place="pharmacy", facility=UNKNOWN, subject=UNKNOWN), BenefitType.CHRONIC_OUTPATIENT, "I10"),
    (Situation(place="hospital", facility="F-JY-H01", subject=UNKNOWN, emergency=True),
     BenefitType.INPATIENT, None),
    (Situation(place="hospital", facility="F-JY-H01", subject="disease", disease="I10", emergency=False),
     BenefitType.CHRONIC_OUTPATIENT, "I10"),
])
def test_a_situation_becomes_a_request(demo, situation, benefit, disease):
    with session_scope(demo) as session:
        record = load_record(session, member_ref_for(session, "JY-E-1501"), reason="test", **WHO)
        request = request_for(session, situation, record, TODAY)
    assert (request.benefit_type, request.disease_code) == (benefit, disease)
    assert request.check_date == date(2012, 7, 12)
    assert request.facility_id == (situation.facility if situation.facility != UNKNOWN else None)


def test_zhang_dehou_buying_blood_pressure_pills_hears_about_his_contribution_tier(demo):
    with session_scope(demo) as session:
        ref = member_ref_for(session, "JY-E-1501")
        situation = understand(session, ref, "在嘉鱼某药店买降压药", None, who="chat:test")
        result = check_situation(session, ref, situation, who="chat:test", today=TODAY)
    assert (result.verdict.value, result.reason_code) == ("NOT_ELIGIBLE", "CONTRIB_TIER_NO_CHRONIC")
    assert result.facts_for_reply["name"] == "张*厚"
    assert result.facts_for_reply["id_number"] == "9901**********1132"


CHAT_CASES = [json.loads(line) for line in (DEMO / "chat.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", CHAT_CASES, ids=[f"{c['member_id']}:{c['expected_reason_code']}" for c in CHAT_CASES])
def test_what_a_demo_member_says_in_the_chat_gets_the_readme_answer(demo, case):
    """members/demo/chat.jsonl: the sentence to type after verifying as each demo member (README)."""
    with session_scope(demo) as session:
        ref = member_ref_for(session, case["member_id"])
        situation = understand(session, ref, case["says"], None, who="chat:test")
        if situation.subject is None:  # the form asks "什么药/什么病"; the README says to answer 不知道
            situation = dataclasses.replace(situation, subject=UNKNOWN)
        result = check_situation(session, ref, situation, who="chat:test", today=TODAY)
    assert result.reason_code == case["expected_reason_code"]
