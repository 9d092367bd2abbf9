"""Rules 33–35: is the item paid at all (目录、限定条件、医院申报), approved (特检特治), a medical item.

A non-medical product (化妆品、日用品) is reported only as NON_MEDICAL_ITEM: it is outside the
catalogue by nature, and the compliance reminder is what the resident needs to hear.
"""

from __future__ import annotations

from members.eligibility.checks import Checks, facility_level, money
from members.enums import ApprovalLevel, CatalogCategory, FacilityType, ItemType
from members.record import MemberRecord
from members.registry import CatalogItem

SPECIAL_TYPES = (ItemType.SPECIAL_EXAM, ItemType.SPECIAL_TREATMENT, ItemType.HIGH_VALUE_DRUG)
_HOSPITAL_MIN = "special_item_approval.hospital_min_price"
_AGENCY_MIN = "special_item_approval.agency_min_price"


def check(c: Checks) -> None:
    """ITEM_NOT_IN_CATALOG, SPECIAL_ITEM_NOT_APPROVED, NON_MEDICAL_ITEM."""
    record, context = c.record, c.context
    assert record is not None
    item = context.item
    if item is None:
        if context.item_code:
            c.unknown("item")  # asked about an item the catalogue does not list
        return
    if item.catalog_category == CatalogCategory.NON_MEDICAL or item.item_type == ItemType.GOODS:
        c.hit("NON_MEDICAL_ITEM", {"item_name": item.name})
        return
    if item.catalog_category is None:
        c.unknown("item.catalog_category")
    else:
        _in_catalog(c, item)
    if item.item_type in SPECIAL_TYPES:
        _approval(c, record, item)


def _in_catalog(c: Checks, item: CatalogItem) -> None:
    facts = {"item_name": item.name}
    facility, restrictions = c.context.facility, item.restrictions
    if item.catalog_category == CatalogCategory.SELF_PAY:
        c.hit("ITEM_NOT_IN_CATALOG", facts, variant="self_pay")
    elif (item.declared_by_facility is not None and facility is not None
          and facility.type != FacilityType.PHARMACY and facility.id not in item.declared_by_facility):
        c.hit("ITEM_NOT_IN_CATALOG", {**facts, "facility_name": facility.name}, variant="not_declared")
    elif restrictions is not None:
        level = facility_level(facility.level) if facility else None
        disease = c.context.disease_code
        below_level = (restrictions.min_facility_level is not None and level is not None
                       and level < restrictions.min_facility_level)
        off_indication = bool(restrictions.indication_codes and disease
                              and disease not in restrictions.indication_codes)
        if below_level or off_indication:
            c.hit("ITEM_NOT_IN_CATALOG", {**facts, "restriction": restrictions.note}, variant="restricted")
        elif restrictions.indication_codes and not disease:
            c.unknown("context.disease_code", decisive=False)


def _approval(c: Checks, record: MemberRecord, item: CatalogItem) -> None:
    """广西 [003]: 200–800 元 approved by the hospital's office, 800 元 and more also by the agency."""
    hospital_min, agency_min = c.param(_HOSPITAL_MIN), c.param(_AGENCY_MIN)
    if hospital_min is None:
        c.unknown("special_item_approval", decisive=False)
        return
    if item.unit_price is None:
        c.unknown("item.unit_price")
        return
    if item.unit_price < hospital_min:
        return
    needs_agency = agency_min is not None and item.unit_price >= agency_min
    today = c.context.check_date
    approvals = [a for a in record.special_approvals if a.item_code == item.code
                 and (a.date is None or a.date <= today) and (a.valid_until is None or a.valid_until >= today)]
    levels = {a.approved_by for a in approvals}
    if ApprovalLevel.AGENCY in levels or (not needs_agency and levels):
        return
    variant = "agency" if needs_agency else "default"
    if needs_agency and ApprovalLevel.HOSPITAL in levels:
        variant = "agency_pending"
    c.hit("SPECIAL_ITEM_NOT_APPROVED",
          {"item_name": item.name, "unit_price": money(item.unit_price),
           "hospital_min_price": hospital_min, "agency_min_price": agency_min},
          variant=variant, params=(_HOSPITAL_MIN, _AGENCY_MIN) if needs_agency else (_HOSPITAL_MIN,))
