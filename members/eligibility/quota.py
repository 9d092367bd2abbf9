"""Rules 36–40: amounts (起付线、门诊统筹额度、慢特病限额、封顶线、个人账户余额).

Year-to-date amounts count only for the year they belong to: a ``ytd`` block of another year is
reported as unknown. DEDUCTIBLE_NOT_MET explains why nothing was paid; it is not a rejection.
"""

from __future__ import annotations

from typing import Any

from members.eligibility.checks import Checks, is_resident_scheme, money
from members.enums import AssistanceCategory, BenefitType, Scheme, SupplementaryType, label
from members.record import MemberRecord, YearToDate

_POOLED_FUND_BENEFITS = (BenefitType.INPATIENT, BenefitType.CHRONIC_OUTPATIENT, BenefitType.SPECIAL_ITEM,
                         BenefitType.MATERNITY)
_AFTER_CAP = (SupplementaryType.LARGE_AMOUNT, SupplementaryType.HIGH_AMOUNT, SupplementaryType.CATASTROPHIC,
              SupplementaryType.SUPPLEMENTARY)


def check(c: Checks) -> None:
    """DEDUCTIBLE_NOT_MET, OUTPATIENT_POOLING_CAP_REACHED, CHRONIC_QUOTA_REACHED, ANNUAL_CAP_REACHED,
    PERSONAL_ACCOUNT_INSUFFICIENT."""
    record = c.record
    assert record is not None
    benefit = c.context.benefit_type
    if benefit == BenefitType.INPATIENT:
        _deductible(c, record)
    if benefit == BenefitType.OUTPATIENT_GENERAL:
        _cap(c, record, "outpatient_pooling_paid", "outpatient_pooling.annual_cap", "OUTPATIENT_POOLING_CAP_REACHED",
             cap=c.param("outpatient_pooling.annual_cap"))
    if benefit == BenefitType.CHRONIC_OUTPATIENT:
        _chronic_quota(c, record)
    if benefit in _POOLED_FUND_BENEFITS:
        _annual_cap(c, record)
    if benefit == BenefitType.PHARMACY_PERSONAL_ACCOUNT and record.scheme == Scheme.EMPLOYEE:
        _personal_account(c, record)


def _ytd(c: Checks, record: MemberRecord, field: str) -> float | None:
    """This year's amount ``field``, or None (reported unknown) when the record does not show it."""
    ytd: YearToDate | None = record.ytd
    year = ytd.year if ytd and ytd.year else (record.record_updated_at.year if record.record_updated_at else None)
    value = getattr(ytd, field) if ytd else None
    if value is None or year != c.context.check_date.year:
        c.unknown(f"ytd.{field}")
        return None
    return value


def _claim_amount(c: Checks) -> float | None:
    claim, item = c.context.claim, c.context.item
    if claim and claim.amount is not None:
        return claim.amount
    if item and item.unit_price is not None:
        return item.unit_price * (claim.quantity if claim and claim.quantity else 1)
    return None


def _deductible(c: Checks, record: MemberRecord) -> None:
    table = c.param("deductible.inpatient")
    claim, facility = c.context.claim, c.context.facility
    amount = claim.policy_range_amount if claim and claim.policy_range_amount is not None else (
        claim.amount if claim else None)
    if not table or amount is None or facility is None:
        return
    deductible = table.get(facility.level) if facility.level else None
    met = record.ytd.deductible_met if record.ytd else None
    if deductible is None or met is None:
        c.unknown("deductible" if deductible is None else "ytd.deductible_met", decisive=False)
        return
    if met is True:
        return
    remaining = deductible - (0 if met is False else float(met))
    if remaining > 0 and amount <= remaining:
        c.hit("DEDUCTIBLE_NOT_MET",
              {"facility_level": facility.level, "deductible": money(deductible),
               "deductible_remaining": money(remaining), "claim_amount": money(amount)},
              params=("deductible.inpatient",))


def _cap(c: Checks, record: MemberRecord, field: str, param: str, code: str, *, cap: float | None,
         extra: dict[str, Any] | None = None, variant: str = "default") -> None:
    if cap is None:
        return
    paid = _ytd(c, record, field)
    if paid is not None and paid >= cap:
        c.hit(code, {"paid": money(paid), "cap": money(cap), **(extra or {})}, variant=variant, params=(param,))


def _chronic_quota(c: Checks, record: MemberRecord) -> None:
    quotas = c.param("chronic.annual_quota")
    if quotas is None:
        return
    disease = c.context.disease_code
    if isinstance(quotas, dict):
        quota = quotas.get(disease) if disease else None
        quota = quota if quota is not None else quotas.get("default")
    else:
        quota = quotas
    name = c.context.disease_name or next(
        (x.disease_name for x in record.chronic_certs if x.disease_code == disease and x.disease_name), disease)
    _cap(c, record, "chronic_paid", "chronic.annual_quota", "CHRONIC_QUOTA_REACHED",
         cap=quota, extra={"disease_name": name})


def _annual_cap(c: Checks, record: MemberRecord) -> None:
    caps = c.param("pooled_annual_cap")
    if not caps or record.scheme is None:
        return
    cap = caps.get(record.scheme.value, caps.get("resident") if is_resident_scheme(record.scheme) else None)
    today = c.context.check_date
    covers = [label(s.type) for s in record.supplementary if s.active and s.type in _AFTER_CAP
              and (s.start is None or s.start <= today) and (s.end is None or s.end >= today)]
    assistance = record.assistance.category if record.assistance else None
    _cap(c, record, "pooled_fund_paid", "pooled_annual_cap", "ANNUAL_CAP_REACHED", cap=cap,
         extra={"supplementary": "、".join(covers) or None,
                "assistance": label(assistance) if assistance and assistance != AssistanceCategory.NONE else None},
         variant="with_supplementary" if covers else "default")


def _personal_account(c: Checks, record: MemberRecord) -> None:
    amount = _claim_amount(c)
    if amount is None:
        return
    balance = record.personal_account.balance if record.personal_account else None
    if balance is None:
        c.unknown("personal_account.balance")
    elif balance < amount:
        c.hit("PERSONAL_ACCOUNT_INSUFFICIENT",
              {"balance": money(balance), "amount": money(amount), "shortfall": money(amount - balance)})
