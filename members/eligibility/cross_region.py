"""Rules 20–23: care outside the insured region (异地备案、备案范围、异地联网、转诊审批).

A visit is cross-region when the encounter region (or the facility's region) is not the insured
one. An approved referral to that region counts as the 异地转诊 filing. An emergency excuses a
missing or unsuitable filing and a missing referral, but not a facility without direct settlement.
"""

from __future__ import annotations

from datetime import date

from members.eligibility.checks import SERVICE_FOR_BENEFIT, Checks, region_label, same_region
from members.eligibility.facility import EMERGENCY_BENEFITS, facility_facts
from members.enums import BenefitType, FilingStatus, ServiceScope, Verdict, label
from members.record import CrossRegionFiling, MemberRecord, Region


def encounter_region(c: Checks) -> Region | None:
    """Where the care happens: the context's region, else the facility's."""
    context = c.context
    if context.encounter_region is not None:
        return context.encounter_region
    return context.facility.region if context.facility is not None else None


def check(c: Checks) -> None:
    """CROSS_REGION_NOT_FILED, CROSS_REGION_FILING_INVALID, CROSS_REGION_FACILITY_NOT_NETWORKED,
    REFERRAL_NOT_APPROVED."""
    record, context = c.record, c.context
    assert record is not None
    where = encounter_region(c)
    if where is None or same_region(where.code, record.insured_region.code):
        return
    facts = {"encounter_region": region_label(where)}
    if context.benefit_type == BenefitType.PHARMACY_PERSONAL_ACCOUNT:
        _personal_account_networked(c, record, where, facts)
        return
    service = SERVICE_FOR_BENEFIT.get(context.benefit_type)
    if service is None:
        return
    emergency = context.is_emergency and context.benefit_type in EMERGENCY_BENEFITS
    referred = _approved_referral(record, where, context.facility.id if context.facility else None,
                                  context.check_date)
    if context.is_referral and not referred and not emergency:
        c.hit("REFERRAL_NOT_APPROVED", facts)
        return
    filed = referred or _filed(c, record, where, service, emergency, facts)
    if filed or emergency:
        _networked(c, service, facts)


def _approved_referral(record: MemberRecord, where: Region, facility_id: str | None, today: date) -> bool:
    for referral in record.referrals:
        if not referral.approved or (referral.date is not None and referral.date > today):
            continue
        if (referral.to_region is not None and same_region(referral.to_region.code, where.code)) or (
            facility_id is not None and referral.to_facility == facility_id
        ):
            return True
    return False


def _filing_problem(filing: CrossRegionFiling, where: Region, service: ServiceScope, today: date) -> str | None:
    """Why ``filing`` does not cover this visit, as a reply variant, or None when it does."""
    if filing.status == FilingStatus.CANCELLED:
        return "cancelled"
    if not same_region(filing.dest_region.code, where.code):
        return "destination"
    if filing.start is not None and filing.start > today:
        return "not_started"
    if filing.status == FilingStatus.EXPIRED or (filing.end is not None and filing.end < today):
        return "expired"
    if service not in filing.scope:
        return "scope"
    return None


def _filed(c: Checks, record: MemberRecord, where: Region, service: ServiceScope, emergency: bool,
           facts: dict[str, str]) -> bool:
    today = c.context.check_date
    problems = [(f, _filing_problem(f, where, service, today)) for f in record.cross_region_filings]
    if any(problem is None for _f, problem in problems):
        return True
    if emergency:
        c.emergency_exception = c.emergency_exception or "cross_region"
        return False
    category = record.member_category.value if record.member_category else None
    late_allowed = category in c.param("cross_region.late_filing_allowed_for", [])
    params = ("cross_region.late_filing_allowed_for", "cross_region.unfiled_verdict",
              "cross_region.manual_claim_days")
    claim_days = {"manual_claim_days": c.param("cross_region.manual_claim_days")}
    if not problems:
        variant = "late_filing" if late_allowed else (
            "with_claim_days" if claim_days["manual_claim_days"] else "default")
        c.hit("CROSS_REGION_NOT_FILED", {**facts, **claim_days}, variant=variant,
              verdict=Verdict.CONDITIONAL if late_allowed else Verdict(
                  c.param("cross_region.unfiled_verdict", Verdict.NOT_ELIGIBLE.value)),
              params=params)
        return False
    # the filing closest to fitting: same destination first, then the latest ending
    order = ("scope", "expired", "not_started", "cancelled", "destination")
    filing, problem = min(problems, key=lambda fp: (order.index(fp[1]), -(fp[0].end or today).toordinal()))
    c.hit("CROSS_REGION_FILING_INVALID", {
        **facts, "filing_end": filing.end, "filing_start": filing.start, "service": label(service),
        "filing_scope": "、".join(label(s) for s in filing.scope) or None,
        "filing_destination": region_label(filing.dest_region),
    }, variant=problem, verdict=Verdict.CONDITIONAL if late_allowed else None, params=params[:1])
    return False


def _networked(c: Checks, service: ServiceScope, facts: dict[str, str]) -> None:
    facility = c.context.facility
    if facility is None:
        return
    if facility.cross_region_networked is None:
        c.unknown("facility.cross_region_networked")
    elif service not in facility.cross_region_networked:
        c.hit("CROSS_REGION_FACILITY_NOT_NETWORKED",
              {**facts, **facility_facts(facility), "service": label(service)})


def _personal_account_networked(c: Checks, record: MemberRecord, where: Region, facts: dict[str, str]) -> None:
    """Personal-account purchases away from home work only in the province's networked pharmacies."""
    facility = c.context.facility
    same_province = where.code[:2] == record.insured_region.code[:2]
    if facility is None:
        return
    if same_province and facility.province_pa_networked is None:
        c.unknown("facility.province_pa_networked")
    elif not same_province or not facility.province_pa_networked:
        c.hit("CROSS_REGION_FACILITY_NOT_NETWORKED", {**facts, **facility_facts(facility)},
              variant="personal_account")
