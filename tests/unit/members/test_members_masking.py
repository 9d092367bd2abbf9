"""Privacy: replies and facts carry only the member's own data, masked (张*厚, 9901**********1132)."""

from __future__ import annotations

from datetime import date

from members.eligibility.context import CheckContext
from members.eligibility.engine import check
from members.eligibility.reply import render_reply
from members.enums import BenefitType
from members.parse import parse
from members.policy import parameters
from members.record import MemberRecord

RECORD = {
    "member_id": "T-J1", "name": "张德厚", "id_number": "990102195203051132", "gender": "M",
    "birth_date": "1952-03-05", "phone": "19912345678",
    "insured_region": {"code": "421221", "name": "湖北省咸宁市嘉鱼县"},
    "scheme": "employee", "member_category": "employed",
    "enrollment": {"status": "active"}, "contribution": {"paid_through": "2012-06-30", "avg_base_ratio": 0.78},
    "card": {"status": "active"},
    "chronic_certs": [{"disease_code": "I10", "disease_name": "高血压", "status": "approved",
                       "valid_until": "2014-04-30", "entered_in_system": True}],
    "ytd": {"year": 2012, "pooled_fund_paid": 0, "chronic_paid": 0},
}


def _result(asker: str = "本人"):
    record = parse(MemberRecord, RECORD)
    context = CheckContext(check_date=date(2012, 7, 12), benefit_type=BenefitType.CHRONIC_OUTPATIENT, asker=asker)
    return check(record, context, parameters("421221", date(2012, 7, 12)))


def test_facts_are_masked_like_the_specification() -> None:
    facts = _result().facts_for_reply
    assert facts["name"] == "张*厚"
    assert facts["id_number"] == "9901**********1132"
    assert "phone" not in facts


def test_reply_never_shows_full_identifiers() -> None:
    result = _result()
    reply = render_reply(result)
    assert result.reason_code == "CONTRIB_TIER_NO_CHRONIC"
    for secret in ("张德厚", "990102195203051132", "19912345678"):
        assert secret not in reply
        assert secret not in repr(result.to_dict())


def test_unverified_asker_learns_nothing_about_the_record() -> None:
    result = _result(asker="自称是医保局的")
    reply = render_reply(result)
    assert result.reason_code == "RECORD_NOT_FOUND"
    assert set(result.facts_for_reply) == {"benefit"}
    for leak in ("张*厚", "嘉鱼", "78%", "高血压"):
        assert leak not in reply
