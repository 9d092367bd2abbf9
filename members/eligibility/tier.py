"""Rules 14–16: does the member's scheme, contribution tier or cover include this benefit at all.

The tier rule is 嘉鱼's "缴费与待遇挂钩" [000]: the employee's average contribution base, as a share
of the local average wage, decides which benefits they have; retirees with the full years have all.
It applies only where a region configures ``tier_rules``.
"""

from __future__ import annotations

from typing import Any

from members.eligibility.checks import Checks, percent
from members.eligibility.contribution import RETIREE_PARAM, retiree_years
from members.enums import BenefitType, LtcStatus, MemberCategory, Scheme, SupplementaryType, label
from members.record import MemberRecord

TIER_CODES = {
    BenefitType.OUTPATIENT_GENERAL: "CONTRIB_TIER_NO_OUTPATIENT_POOLING",
    BenefitType.CHRONIC_OUTPATIENT: "CONTRIB_TIER_NO_CHRONIC",
}
_SUPPLEMENTARY = (SupplementaryType.LARGE_AMOUNT, SupplementaryType.HIGH_AMOUNT, SupplementaryType.SUPPLEMENTARY)


def check(c: Checks) -> None:
    """CONTRIB_TIER_NO_OUTPATIENT_POOLING, CONTRIB_TIER_NO_CHRONIC, BENEFIT_NOT_IN_SCHEME."""
    record = c.record
    assert record is not None
    if record.scheme is None:
        return
    _tier(c, record, record.scheme)
    _scheme_benefits(c, record, record.scheme)


def _tier_for(rules: list[dict[str, Any]], ratio: float) -> dict[str, Any] | None:
    for tier in rules:
        if ratio >= tier["min"] and (tier["max"] is None or ratio <= tier["max"]):
            return tier
    return None


def _tier(c: Checks, record: MemberRecord, scheme: Scheme) -> None:
    benefit = c.context.benefit_type
    rules = c.param("tier_rules")
    if not rules or scheme != Scheme.EMPLOYEE or benefit not in TIER_CODES:
        return
    years_facts: dict[str, Any] = {}
    if record.member_category == MemberCategory.RETIRED:
        status, years_facts = retiree_years(c)
        if status == "full":
            return  # 达到规定缴费年限的退休人员: all benefits [000]
        if status == "unknown":
            return
    ratio = record.contribution.avg_base_ratio if record.contribution else None
    if ratio is None:
        c.unknown("contribution.avg_base_ratio")
        return
    tier = _tier_for(rules, ratio)
    if tier is not None and benefit.value in tier["benefits"]:
        return
    required = min((t["min"] for t in rules if benefit.value in t["benefits"]), default=None)
    outpatient = tier is not None and BenefitType.OUTPATIENT_GENERAL.value in tier["benefits"]
    full = c.param(RETIREE_PARAM) or {}
    c.hit(
        TIER_CODES[benefit],
        {"ratio": percent(ratio), "required_ratio": percent(required) if required is not None else None,
         "full_years_m": full.get("M"), "full_years_f": full.get("F"), **years_facts},
        variant="with_outpatient" if outpatient and benefit == BenefitType.CHRONIC_OUTPATIENT else "default",
        params=("tier_rules", RETIREE_PARAM) if full else ("tier_rules",),
    )


def _scheme_benefits(c: Checks, record: MemberRecord, scheme: Scheme) -> None:
    benefit = c.context.benefit_type
    facts = {"scheme_name": label(scheme) + (record.resident_tier or "")}
    offered = c.param("scheme_benefits", {})
    if scheme.value in offered and benefit.value not in offered[scheme.value]:
        variant = "no_personal_account" if benefit == BenefitType.PHARMACY_PERSONAL_ACCOUNT else "default"
        c.hit("BENEFIT_NOT_IN_SCHEME", facts, variant=variant, params=("scheme_benefits",))
        return
    today = c.context.check_date
    if benefit == BenefitType.SUPPLEMENTARY and not any(
        cover.active and cover.type in _SUPPLEMENTARY
        and (cover.start is None or cover.start <= today) and (cover.end is None or cover.end >= today)
        for cover in record.supplementary
    ):
        c.hit("BENEFIT_NOT_IN_SCHEME", facts, variant="supplementary")
    if benefit == BenefitType.LONG_TERM_CARE:
        status = record.ltc.assessment_status if record.ltc else None
        if status is None:
            c.unknown("ltc.assessment_status")
        elif status != LtcStatus.QUALIFIED:
            c.hit("BENEFIT_NOT_IN_SCHEME", {**facts, "ltc_status": label(status)}, variant="ltc")
