"""Region policy parameters: values in force by date, repeal, inheritance, lookup by policy_ref."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from members import policy as policy_module
from members.errors import ParameterFileError, ParametersNotFound
from members.policy import PARAMETER_DIR, parameters


@pytest.mark.parametrize(
    ("on", "days", "late_filers"),
    [
        (date(2019, 5, 31), 30, []),
        (date(2019, 6, 1), 20, ["migrant_worker", "outbound_worker"]),
    ],
)
def test_qingdao_values_change_on_their_start_date(on: date, days: int, late_filers: list[str]) -> None:
    policy = parameters("370200", on)
    assert policy.get("cross_region.manual_claim_days") == days
    assert policy.get("cross_region.late_filing_allowed_for") == late_filers


def test_jiayu_tiers_start_in_july_2012() -> None:
    assert parameters("421221", date(2012, 6, 30)).get("tier_rules") is None
    tiers = parameters("421221", date(2012, 7, 1)).get("tier_rules")
    assert [t["min"] for t in tiers] == [0.60, 0.80, 0.95]
    source = parameters("421221", date(2012, 7, 1)).source("tier_rules")
    assert (source.region_name, source.since.year, source.dated) == ("湖北省咸宁市嘉鱼县", 2012, True)


def test_national_waiting_period_from_2025_and_inherited() -> None:
    assert parameters("990100", date(2024, 12, 31)).get("waiting_period.enabled") is None
    assert parameters("990100", date(2025, 1, 1)).get("waiting_period.fixed_months") == 3


def test_child_region_overrides_its_parent() -> None:
    assert parameters("990200", date(2024, 5, 1)).get("chronic_payment_suspended") is False
    assert parameters("990201", date(2023, 12, 31)).get("chronic_payment_suspended") is False
    assert parameters("990201", date(2024, 1, 1)).get("chronic_payment_suspended") is True
    assert parameters("990201", date(2024, 1, 1)).get("employer_arrears.late_fee_per_day") == 0.002


def test_lookup_by_policy_ref_and_unknown_region() -> None:
    assert parameters("000000", date(2012, 7, 1), policy_ref="jiayu_2012").region_code == "421221"
    with pytest.raises(ParametersNotFound):
        parameters("000000", date(2012, 7, 1))


def test_overrides_are_cited_without_a_year() -> None:
    policy = parameters("990100", date(2025, 1, 1)).with_overrides({"chronic_payment_suspended": True})
    assert policy.get("chronic_payment_suspended") is True
    assert policy.source("chronic_payment_suspended").dated is False


@pytest.fixture
def parameter_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(policy_module, "PARAMETER_DIR", tmp_path)
    policy_module._load.cache_clear()
    policy_module._policy_ref_index.cache_clear()
    yield tmp_path
    policy_module._load.cache_clear()
    policy_module._policy_ref_index.cache_clear()


def test_null_repeals_a_value(parameter_dir: Path) -> None:
    (parameter_dir / "123456.yaml").write_text(yaml.safe_dump({
        "region": {"code": "123456", "name": "测试"},
        "parameters": {"cap": {"description": "d", "unit": "CNY", "reference": "r",
                               "values": {date(2020, 1, 1): 100, date(2022, 1, 1): None}}},
    }, allow_unicode=True), encoding="utf-8")
    assert parameters("123456", date(2021, 6, 1)).get("cap") == 100
    assert parameters("123456", date(2022, 6, 1)).get("cap") is None


def test_a_parameter_without_reference_is_refused(parameter_dir: Path) -> None:
    (parameter_dir / "123456.yaml").write_text(yaml.safe_dump({
        "region": {"code": "123456", "name": "测试"},
        "parameters": {"cap": {"description": "d", "unit": "CNY", "values": {date(2020, 1, 1): 1}}},
    }, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterFileError, match="missing reference"):
        parameters("123456", date(2021, 1, 1))


@pytest.mark.parametrize("path", sorted(PARAMETER_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_loads(path: Path) -> None:
    policy = parameters(path.stem, date(2030, 1, 1))
    assert policy.region_name


def test_unconfigured_region_uses_national_and_generic_rules_and_says_so() -> None:
    from members.eligibility.context import CheckContext
    from members.eligibility.engine import check
    from members.enums import BenefitType
    from members.parse import parse
    from members.record import MemberRecord
    from members.service import policy_for

    record = parse(MemberRecord, {
        "member_id": "T", "name": "王小明", "id_number": "990101198503121013", "insured_region": "999999",
        "scheme": "resident", "enrollment": {"status": "active"}, "contribution": {"paid_through": "2025-12-31"},
        "card": {"status": "active"}})
    policy = policy_for(record, date(2025, 6, 15))
    assert (policy.region_code, policy.configured) == ("999999", False)
    assert policy.get("contribution_grace_days") == 30
    result = check(record, CheckContext(check_date=date(2025, 6, 15), benefit_type=BenefitType.INPATIENT), policy)
    assert (result.verdict.value, result.reason_code) == ("ELIGIBLE", "OK")
    assert any("本系统未配置" in step for step in result.next_steps)
