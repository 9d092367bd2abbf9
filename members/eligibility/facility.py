"""Rules 17–19: may this facility settle this service for this member (定点、协议状态、选定定点).

An emergency at a facility that is not designated for the service or not the member's chosen one
is not a rejection: it sets the emergency exception (OK_EMERGENCY_EXCEPTION when nothing else hits).
"""

from __future__ import annotations

from members.eligibility.checks import SERVICE_FOR_BENEFIT, Checks, same_region
from members.enums import AgreementStatus, BenefitType, FacilityType, ServiceScope, label
from members.record import MemberRecord
from members.registry import Facility

#: Benefits for which an emergency excuses the facility (not pharmacy purchases).
EMERGENCY_BENEFITS = (BenefitType.INPATIENT, BenefitType.OUTPATIENT_GENERAL, BenefitType.MATERNITY,
                      BenefitType.SPECIAL_ITEM)
_CHOSEN_PARAMS = ("chosen_facilities.enabled", "chosen_facilities.universal_specialties",
                  "chosen_facilities.change_month")


def facility_facts(facility: Facility) -> dict[str, str]:
    """The facility's name and kind (医院/药店...) for replies."""
    kind = label(facility.type) if facility.type else label(FacilityType.HOSPITAL)
    return {"facility_name": facility.name, "facility_kind": kind}


def check(c: Checks) -> None:
    """FACILITY_NOT_DESIGNATED, FACILITY_AGREEMENT_SUSPENDED, FACILITY_NOT_CHOSEN."""
    record, context = c.record, c.context
    assert record is not None
    facility = context.facility
    if facility is None:
        if context.facility_id:
            c.unknown("facility")  # asked about a facility the registry does not list
        return
    emergency = context.is_emergency and context.benefit_type in EMERGENCY_BENEFITS
    _agreement(c, facility)
    designated = _designated(c, facility, emergency)
    if designated:
        _chosen(c, record, facility, emergency)


def _agreement(c: Checks, facility: Facility) -> None:
    status = facility.agreement_status
    if status is None:
        c.unknown("facility.agreement_status")
    elif status != AgreementStatus.ACTIVE and (
        facility.suspended_until is None or facility.suspended_until >= c.context.check_date
    ):
        c.hit("FACILITY_AGREEMENT_SUSPENDED", {**facility_facts(facility),
                                                "suspended_until": facility.suspended_until})


def _designated(c: Checks, facility: Facility, emergency: bool) -> bool:
    benefit = c.context.benefit_type
    needed = SERVICE_FOR_BENEFIT.get(benefit)
    if needed is None:
        return True  # long-term care, catastrophic, supplementary: not settled as a facility service
    if facility.designated_for is None:
        c.unknown("facility.designated_for")
        return False
    accepted = {needed}
    if benefit == BenefitType.SPECIAL_ITEM:
        accepted.add(ServiceScope.INPATIENT)
    if accepted & set(facility.designated_for):
        return True
    if emergency and facility.type != FacilityType.PHARMACY:
        c.emergency_exception = c.emergency_exception or "not_designated"
        return False
    c.hit("FACILITY_NOT_DESIGNATED", {**facility_facts(facility), "service": label(needed)})
    return False


def _chosen(c: Checks, record: MemberRecord, facility: Facility, emergency: bool) -> None:
    """北京旧规 [003]: members settle at the 4 facilities they chose; 中医 and 专科 are open to all."""
    context = c.context
    if not c.param("chosen_facilities.enabled") or facility.type == FacilityType.PHARMACY:
        return
    if context.benefit_type not in EMERGENCY_BENEFITS:
        return
    encounter = context.encounter_region.code if context.encounter_region else None
    if encounter and not same_region(encounter, record.insured_region.code):
        return  # away from home the cross-region rules apply instead
    if facility.specialty and facility.specialty in c.param("chosen_facilities.universal_specialties", []):
        return
    chosen = {choice.facility_id: choice.facility_name for choice in record.chosen_facilities}
    if not chosen:
        c.unknown("chosen_facilities")
        return
    if facility.id in chosen:
        return
    if emergency:
        c.emergency_exception = c.emergency_exception or "not_chosen"
        return
    names = [name or context.facility_names.get(fid) or fid for fid, name in chosen.items()]
    c.hit("FACILITY_NOT_CHOSEN",
          {**facility_facts(facility), "chosen_facilities": "、".join(names),
           "change_month": c.param("chosen_facilities.change_month")},
          params=_CHOSEN_PARAMS)
