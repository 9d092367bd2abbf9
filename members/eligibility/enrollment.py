"""Rules 6–8: enrolled here at all, enrolled twice, enrolled in a scheme the member may join.

Not being enrolled ends the check. A member whose status says "none" but whose payment already
covers today is taken as paid-but-not-yet-entered (ENROLLMENT_NOT_EFFECTIVE), not as never enrolled.
"""

from __future__ import annotations

from datetime import date

from members.eligibility.checks import Checks, is_resident_scheme, region_label, same_region
from members.enums import EnrollmentStatus, MemberCategory, Scheme, label
from members.record import MemberRecord

_NO_RESIDENCE_TIE_NEEDED = (MemberCategory.STUDENT, MemberCategory.CHILD, MemberCategory.NEWBORN)


def check(c: Checks) -> None:
    """DUPLICATE_ENROLLMENT, NOT_ENROLLED, SCHEME_INELIGIBLE (and ENROLLMENT_NOT_EFFECTIVE: not entered)."""
    record = c.record
    assert record is not None
    status = record.enrollment.status if record.enrollment else None
    if status is None:
        c.unknown("enrollment.status")
    elif status == EnrollmentStatus.NONE:
        _not_enrolled(c, record)
        return
    _duplicate(c, record)
    if record.scheme is None:
        c.unknown("scheme")
    else:
        _scheme(c, record, record.scheme)


def _not_enrolled(c: Checks, record: MemberRecord) -> None:
    contribution = record.contribution
    paid_through = contribution.paid_through if contribution else None
    if paid_through is not None and paid_through >= c.context.check_date:
        c.hit("ENROLLMENT_NOT_EFFECTIVE",
              {"last_payment_date": contribution.last_payment_date if contribution else None},
              variant="not_entered", stop=True)
    else:
        c.hit("NOT_ENROLLED", {"region": region_label(record.insured_region)}, stop=True)


def _place(region_name: str, scheme: Scheme | None) -> str:
    return region_name + (label(scheme) if scheme else "")


def _duplicate(c: Checks, record: MemberRecord) -> None:
    year = c.context.check_date.year
    first, last = date(year, 1, 1), date(year, 12, 31)
    for other in record.other_enrollments:
        if not other.active or (other.year is not None and other.year != year):
            continue
        if (other.start and other.start > last) or (other.end and other.end < first):
            continue
        c.hit("DUPLICATE_ENROLLMENT", {
            "year": year,
            "this_place": _place(region_label(record.insured_region), record.scheme),
            "other_place": _place(region_label(other.region), other.scheme),
        })
        return


def _scheme(c: Checks, record: MemberRecord, scheme: Scheme) -> None:
    """Who may join what: 新农合 only in the 户籍地; employees belong in 职工医保; residents need a local tie."""
    insured = record.insured_region.code
    hukou, permit = record.hukou_region, record.residence_permit_region
    category = record.member_category
    if scheme == Scheme.NRCMS and hukou is not None and not same_region(hukou.code, insured):
        c.hit("SCHEME_INELIGIBLE", {"hukou_region": region_label(hukou)}, variant="nrcms_not_local")
    elif is_resident_scheme(scheme) and category == MemberCategory.EMPLOYED and record.employer \
            and record.employer.id:
        c.hit("SCHEME_INELIGIBLE", {"scheme_name": label(scheme)}, variant="employee_covered")
    elif (scheme in (Scheme.RESIDENT, Scheme.URBAN_RESIDENT) and category not in _NO_RESIDENCE_TIE_NEEDED
          and hukou is not None and not same_region(hukou.code, insured)
          and not (permit is not None and same_region(permit.code, insured))):
        c.hit("SCHEME_INELIGIBLE", {"hukou_region": region_label(hukou)}, variant="no_local_tie")
