"""Rules 9–13: are contributions paid and in force (单位欠费、断缴、未生效、等待期、退休年限).

Arrears of the employer explain a gap in the member's own payments, so only EMPLOYER_ARREARS is
reported then. A retiree short of the required years who has stopped paying gets
RETIREE_YEARS_SHORT with CONTRIBUTION_LAPSED beside it; one who keeps paying is judged by tier.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from members.eligibility.checks import Checks, add_months, is_resident_scheme
from members.enums import EnrollmentStatus, MemberCategory, Scheme
from members.record import MemberRecord

RETIREE_PARAM = "retiree_full_benefit_years"
RETIREE_LOCAL_PARAM = "retiree_local_actual_years_min"
_WAITING_PARAMS = (
    "waiting_period.enabled", "waiting_period.fixed_months", "waiting_period.per_lapse_year_months",
    "waiting_period.long_lapse_years", "waiting_period.long_lapse_min_months",
)
_EXPLAINS_SUSPENSION = ("EMPLOYER_ARREARS", "CONTRIBUTION_LAPSED", "RETIREE_YEARS_SHORT",
                        "SETTLEMENT_SUSPENDED_FRAUD")


def retiree_years(c: Checks) -> tuple[str, dict[str, Any]]:
    """Whether a retiree has the years for contribution-free full benefits.

    Returns ``("full" | "short" | "unknown" | "unconfigured", facts)``; "unconfigured" when the
    region sets no such requirement, "unknown" when the record lacks sex or years.
    """
    record = c.record
    assert record is not None
    required = c.param(RETIREE_PARAM)
    if not required:
        return "unconfigured", {}
    contribution = record.contribution
    years = contribution.cumulative_years if contribution else None
    if record.gender is None:
        c.unknown("gender")
    if years is None:
        c.unknown("contribution.cumulative_years")
    if record.gender is None or years is None:
        return "unknown", {}
    need = required[record.gender.value]
    local_min = c.param(RETIREE_LOCAL_PARAM)
    local = contribution.local_actual_years if contribution else None
    facts = {"cumulative_years": years, "required_years": need, "local_actual_years": local,
             "full_years_m": required["M"], "full_years_f": required["F"]}
    if local_min is not None and local is None:
        c.unknown("contribution.local_actual_years")
        return "unknown", facts
    short = years < need or (local_min is not None and local < local_min)
    return ("short" if short else "full"), facts


def check(c: Checks) -> None:
    """EMPLOYER_ARREARS, CONTRIBUTION_LAPSED, ENROLLMENT_NOT_EFFECTIVE, WAITING_PERIOD, RETIREE_YEARS_SHORT."""
    record = c.record
    assert record is not None
    scheme = record.scheme
    if scheme is None:
        return  # reported unknown by the enrollment rules
    in_arrears = _employer_arrears(c, record, scheme)
    if record.member_category == MemberCategory.RETIRED and scheme == Scheme.EMPLOYEE:
        _retiree(c, record, scheme)
    elif not in_arrears and _lapsed(c, record, scheme):
        c.hit("CONTRIBUTION_LAPSED", {"paid_through": record.contribution.paid_through,
                                      "year": c.context.check_date.year},
              variant="resident" if is_resident_scheme(scheme) else "default",
              params=() if is_resident_scheme(scheme) else ("contribution_grace_days",))
    waiting = _waiting(c, record, scheme)
    enrollment = record.enrollment
    if not waiting and enrollment and enrollment.effective_from and enrollment.effective_from > c.context.check_date:
        contribution = record.contribution
        c.hit("ENROLLMENT_NOT_EFFECTIVE", {
            "effective_from": enrollment.effective_from,
            "last_payment_date": contribution.last_payment_date if contribution else None,
        })
    if enrollment and enrollment.status == EnrollmentStatus.SUSPENDED \
            and not any(c.has(code) for code in _EXPLAINS_SUSPENSION):
        c.unknown("enrollment.suspended_reason")


def _employer_arrears(c: Checks, record: MemberRecord, scheme: Scheme) -> bool:
    """True when the employer's arrears explain any gap (whether or not benefits stopped yet)."""
    employer = record.employer
    if scheme != Scheme.EMPLOYEE or employer is None or employer.arrears_since is None:
        return False
    months = c.param("employer_arrears.benefit_stop_months")
    if months is None:
        return True
    stop_from = add_months(employer.arrears_since.replace(day=1), months)
    if c.context.check_date >= stop_from:
        c.hit("EMPLOYER_ARREARS",
              {"arrears_month": f"{employer.arrears_since.year}年{employer.arrears_since.month}月",
               "benefit_stop_from": stop_from},
              params=("employer_arrears.benefit_stop_months",))
    return True


def _lapsed(c: Checks, record: MemberRecord, scheme: Scheme) -> bool:
    paid_through = record.contribution.paid_through if record.contribution else None
    if paid_through is None:
        c.unknown("contribution.paid_through")
        return False
    if is_resident_scheme(scheme):  # residents pay by the year: is this year paid?
        return paid_through < c.context.check_date
    grace = c.param("contribution_grace_days", 0)
    return paid_through + timedelta(days=grace) < c.context.check_date


def _retiree(c: Checks, record: MemberRecord, scheme: Scheme) -> None:
    status, facts = retiree_years(c)
    if status == "unconfigured":
        c.unknown(RETIREE_PARAM, decisive=False)
    if status != "short":
        return  # full years: no contributions are due; unknown: already reported
    if _lapsed(c, record, scheme):
        c.hit("RETIREE_YEARS_SHORT", facts, params=(RETIREE_PARAM,))
        c.hit("CONTRIBUTION_LAPSED", {"paid_through": record.contribution.paid_through},
              params=("contribution_grace_days",), subordinate=True)


def _waiting(c: Checks, record: MemberRecord, scheme: Scheme) -> bool:
    """WAITING_PERIOD [外部 国办发〔2024〕38号]: residents who paid late or after a lapse wait."""
    if not c.param("waiting_period.enabled") or not is_resident_scheme(scheme):
        return False
    category = record.member_category
    if category is not None and category.value in c.param("waiting_period.exempt_categories", []):
        return False
    enrollment = record.enrollment
    late = enrollment is not None and enrollment.concentrated_period_paid is False
    lapse_years = (enrollment.lapse_years or 0) if enrollment else 0
    if not late and lapse_years <= 0:
        return False
    paid_on = record.contribution.last_payment_date if record.contribution else None
    if paid_on is None:
        c.unknown("contribution.last_payment_date")
        return False
    months = c.param("waiting_period.fixed_months", 0) + lapse_years * c.param(
        "waiting_period.per_lapse_year_months", 0)
    if lapse_years >= c.param("waiting_period.long_lapse_years", lapse_years + 1):
        months = max(months, c.param("waiting_period.long_lapse_min_months", 0))
    waiting_until = add_months(paid_on, months)
    if c.context.check_date >= waiting_until:
        return False
    c.hit("WAITING_PERIOD",
          {"waiting_until": waiting_until, "lapse_years": lapse_years, "waiting_months": months},
          variant="lapse" if lapse_years > 0 else "late", params=_WAITING_PARAMS)
    return True
