"""A verified resident's own check from the chat: words → situation → check request → result.

The chat layer calls :func:`understand` for each message and :func:`check_situation` once the
situation is complete. Both read the member's record through members.store, so both are audited.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from members import models as m
from members.check_date import check_date_for
from members.eligibility.result import Result
from members.enums import BenefitType
from members.errors import RecordNotFound
from members.parse import parse
from members.record import MemberRecord
from members.registry import CatalogItem, Facility
from members.service import CheckRequest, check_member
from members.situation import HOSPITAL, PHARMACY, UNKNOWN, Situation, parse_situation
from members.store import get_catalog_item, load_record

#: Audit role of a resident asking about their own record.
ROLE = "resident"


def _row(row: object, cls: type) -> dict:
    return {f.name: getattr(row, f.name) for f in fields(cls)}


def facilities_of_region(session: Session, region_code: str) -> list[Facility]:
    """Registry entries of facilities in the region ``region_code``."""
    rows = session.scalars(select(m.FacilityRow).order_by(m.FacilityRow.id))
    return [parse(Facility, _row(r, Facility)) for r in rows if (r.region or {}).get("code") == region_code]


def catalog(session: Session) -> list[CatalogItem]:
    """Every catalogue entry."""
    rows = session.scalars(select(m.CatalogItemRow).order_by(m.CatalogItemRow.code))
    return [parse(CatalogItem, _row(r, CatalogItem)) for r in rows]


def understand(session: Session, member_ref: str, text: str, asked: str | None, *, who: str) -> Situation:
    """What ``text`` says about the member's check (an empty situation when the record is gone)."""
    try:
        record = load_record(session, member_ref, who=who, role=ROLE, reason="read the resident's words for a check")
    except RecordNotFound:
        return Situation()
    facilities = facilities_of_region(session, record.insured_region.code)
    return parse_situation(text, record, facilities, catalog(session), asked)


def request_for(session: Session, situation: Situation, record: MemberRecord, today: date) -> CheckRequest:
    """The check request a situation describes.

    At a pharmacy: a drug of a chronic disease (or no drug named) is a 门诊慢特病 question, any other
    drug a personal-account purchase. At a hospital: an emergency or a stay is inpatient care, a
    chronic disease the 门诊慢特病, anything else general outpatient care. At a pharmacy with no drug
    and no disease named, the disease is the member's only certified one, if there is exactly one; a
    drug for a disease the member is not certified for is left to the engine (disease mismatch).
    """
    item = get_catalog_item(session, situation.item) if situation.item else None
    disease = situation.disease
    if disease is None and item is None and situation.place == PHARMACY and len(record.chronic_certs) == 1:
        disease = record.chronic_certs[0].disease_code
    chronic = disease is not None or bool(item and item.chronic_disease_codes)
    if situation.place == PHARMACY:
        benefit = BenefitType.CHRONIC_OUTPATIENT if chronic or item is None else BenefitType.PHARMACY_PERSONAL_ACCOUNT
    elif situation.place == HOSPITAL and (situation.emergency or situation.inpatient):
        benefit = BenefitType.INPATIENT
    elif chronic:
        benefit = BenefitType.CHRONIC_OUTPATIENT
    else:
        benefit = BenefitType.OUTPATIENT_GENERAL
    return CheckRequest(
        check_date=check_date_for(record, today),
        benefit_type=benefit,
        facility_id=situation.facility if situation.facility not in (None, UNKNOWN) else None,
        item_code=item.code if item else None,
        disease_code=disease if benefit == BenefitType.CHRONIC_OUTPATIENT else None,
        is_emergency=bool(situation.emergency),
    )


def check_situation(session: Session, member_ref: str, situation: Situation, *, who: str, today: date) -> Result:
    """Check the member's eligibility for the situation the resident described."""
    reason = "the resident asked why their card failed (chat)"
    try:
        record = load_record(session, member_ref, who=who, role=ROLE, reason=reason)
        request = request_for(session, situation, record, today)
    except RecordNotFound:
        request = CheckRequest(check_date=today, benefit_type=BenefitType.CHRONIC_OUTPATIENT)
    return check_member(session, member_ref, request, who=who, role=ROLE, reason=reason)
