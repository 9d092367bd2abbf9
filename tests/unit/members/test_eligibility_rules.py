"""Named rule cases (rule_cases.yaml) through the pure engine: one or more per reason code."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from members.eligibility.context import CheckContext
from members.eligibility.engine import check
from members.eligibility.reasons import ALL_CODES
from members.parse import parse
from members.policy import parameters
from members.record import MemberRecord

CASES_FILE = Path(__file__).with_name("rule_cases.yaml")
SPEC = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _run(case: dict[str, Any]):
    member = case["member"]
    context = dict(case["context"])
    record = None
    check_date = context.pop("check_date", None)
    if member is not None:
        base = SPEC["members"][member["base"]]
        overrides = {k: v for k, v in member.items() if k != "base"}
        record = parse(MemberRecord, _merge(base["record"], overrides))
        check_date = check_date or base["check_date"]
    check_date = check_date or SPEC["members"]["resident"]["check_date"]
    overrides = context.pop("policy_params", None)
    for key, table in (("facility", "facilities"), ("item", "items")):
        if key in context:
            context[key] = SPEC[table][context[key]]
    ctx = parse(CheckContext, {**context, "check_date": check_date})
    policy = None
    if record is not None:
        region = record.insured_region
        policy = parameters(region.code, check_date, region.policy_ref).with_overrides(overrides)
    return check(record, ctx, policy)


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["name"] for c in SPEC["cases"]])
def test_rule_case(case: dict[str, Any]) -> None:
    result = _run(case)
    expect = case["expect"]
    assert result.verdict.value == expect["verdict"]
    assert result.reason_code == expect["reason_code"]
    if "secondary_reason_codes" in expect:
        assert list(result.secondary_reason_codes) == expect["secondary_reason_codes"]
    if "handoff" in expect:
        assert result.handoff is expect["handoff"]
    for key, value in expect.get("facts", {}).items():
        assert result.facts_for_reply[key] == value


def test_every_reason_code_has_a_case() -> None:
    expected = {case["expect"]["reason_code"] for case in SPEC["cases"]}
    assert set(ALL_CODES) - expected == set()


def test_check_is_deterministic() -> None:
    case = next(c for c in SPEC["cases"] if c["name"] == "card and contributions both wrong, card first in §4 order")
    assert _run(case) == _run(case)
