"""Write member records and registry entries to the database and read them back.

Every read of a member's record goes through :func:`load_record`, which writes an audit row.
Re-importing a member replaces the whole record but keeps its ``member_ref``.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from members import models as m
from members.errors import RecordNotFound
from members.parse import parse
from members.record import (
    Assistance,
    Card,
    ChosenFacility,
    ChronicCert,
    Contribution,
    CrossRegionFiling,
    Dispense,
    Employer,
    Enrollment,
    LtcAssessment,
    MemberRecord,
    OtherEnrollment,
    PersonalAccount,
    Referral,
    Sanction,
    SpecialApproval,
    SupplementaryCover,
    YearToDate,
)
from members.registry import CatalogItem, Facility
from storage.audit import record_audit

#: Record parts a member has at most one of: record attribute -> (table, dataclass).
ONE: dict[str, tuple[type, type]] = {
    "enrollment": (m.EnrollmentRow, Enrollment),
    "contribution": (m.ContributionRow, Contribution),
    "employer": (m.EmployerRow, Employer),
    "card": (m.CardRow, Card),
    "ytd": (m.YearToDateRow, YearToDate),
    "personal_account": (m.PersonalAccountRow, PersonalAccount),
    "assistance": (m.AssistanceRow, Assistance),
    "ltc": (m.LtcAssessmentRow, LtcAssessment),
}

#: Record parts a member may have many of: record attribute -> (table, dataclass).
MANY: dict[str, tuple[type, type]] = {
    "chronic_certs": (m.ChronicCertRow, ChronicCert),
    "chronic_dispense_history": (m.DispenseRow, Dispense),
    "chosen_facilities": (m.ChosenFacilityRow, ChosenFacility),
    "cross_region_filings": (m.CrossRegionFilingRow, CrossRegionFiling),
    "referrals": (m.ReferralRow, Referral),
    "special_approvals": (m.SpecialApprovalRow, SpecialApproval),
    "supplementary": (m.SupplementaryCoverRow, SupplementaryCover),
    "sanctions": (m.SanctionRow, Sanction),
    "other_enrollments": (m.OtherEnrollmentRow, OtherEnrollment),
}

_ROOT_FIELDS = (
    "name", "id_number", "phone", "gender", "birth_date", "scheme", "resident_tier", "member_category",
    "hukou_type", "hukou_region", "residence_permit_region", "record_updated_at", "synthetic",
)


def new_member_ref() -> str:
    """A random handle for a member; it carries nothing of the ID number or name."""
    return secrets.token_urlsafe(18)


def plain(value: Any) -> Any:
    """A dataclass value as JSON-ready data for a column (codes as strings, tuples as lists)."""
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) is not None}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def _columns(obj: Any) -> dict[str, Any]:
    return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def _row_dict(row: Any, cls: type) -> dict[str, Any]:
    return {f.name: getattr(row, f.name) for f in dataclasses.fields(cls)}


def upsert_member(session: Session, record: MemberRecord) -> str:
    """Insert or replace ``record`` (matched by ``member_id``) and return its ``member_ref``."""
    member = session.scalar(select(m.Member).where(m.Member.member_id == record.member_id))
    if member is None:
        member = m.Member(member_id=record.member_id, member_ref=new_member_ref())
        session.add(member)
    for name in _ROOT_FIELDS:
        setattr(member, name, plain(getattr(record, name)))
    member.region_code = record.insured_region.code
    member.region_name = record.insured_region.name
    member.policy_ref = record.insured_region.policy_ref
    member.imported_at = datetime.now(timezone.utc).replace(tzinfo=None)
    session.flush()
    for table, _cls in (*ONE.values(), *MANY.values()):
        session.execute(delete(table).where(table.member_pk == member.pk))
    for attr, (table, _cls) in ONE.items():
        part = getattr(record, attr)
        if part is not None:
            session.add(table(member_pk=member.pk, **_columns(part)))
    for attr, (table, _cls) in MANY.items():
        for part in getattr(record, attr):
            session.add(table(member_pk=member.pk, **_columns(part)))
    session.flush()
    return member.member_ref


def load_record(session: Session, member_ref: str, *, who: str, role: str, reason: str) -> MemberRecord:
    """Read one member's record, writing an audit row first.

    Raises:
        RecordNotFound: no member has this ``member_ref``.
    """
    record_audit(session, who=who, role=role, action="member.read", member_ref=member_ref, reason=reason)
    member = session.scalar(select(m.Member).where(m.Member.member_ref == member_ref))
    if member is None:
        raise RecordNotFound(f"no member record for reference {member_ref!r}")
    data: dict[str, Any] = {name: getattr(member, name) for name in _ROOT_FIELDS}
    data["member_id"] = member.member_id
    data["insured_region"] = {"code": member.region_code, "name": member.region_name,
                              "policy_ref": member.policy_ref}
    for attr, (table, cls) in ONE.items():
        row = session.scalar(select(table).where(table.member_pk == member.pk))
        data[attr] = _row_dict(row, cls) if row is not None else None
    for attr, (table, cls) in MANY.items():
        rows = session.scalars(select(table).where(table.member_pk == member.pk).order_by(table.pk))
        data[attr] = [_row_dict(row, cls) for row in rows]
    return parse(MemberRecord, data)


def member_ref_for(session: Session, member_id: str) -> str:
    """The ``member_ref`` of the member with internal ID ``member_id``.

    Raises:
        RecordNotFound: no such member.
    """
    ref = session.scalar(select(m.Member.member_ref).where(m.Member.member_id == member_id))
    if ref is None:
        raise RecordNotFound(f"no member with member_id {member_id!r}")
    return ref


def member_region(session: Session, member_ref: str) -> str | None:
    """The 统筹区 code of the member ``member_ref``, or None when there is no such member.

    Only the region code, which the knowledge search prefers for a verified resident; it is not a
    record read, so no audit row is written for each of their questions.
    """
    return session.scalar(select(m.Member.region_code).where(m.Member.member_ref == member_ref))


def records_sharing_id_number(session: Session, member_ref: str) -> int:
    """How many *other* member records carry the same ID number (conflicting records)."""
    id_number = select(m.Member.id_number).where(m.Member.member_ref == member_ref).scalar_subquery()
    return session.scalar(
        select(func.count()).select_from(m.Member)
        .where(m.Member.id_number == id_number, m.Member.member_ref != member_ref)
    ) or 0


def upsert_facility(session: Session, facility: Facility) -> None:
    """Insert or replace a facility of the registry (matched by ``id``)."""
    session.merge(m.FacilityRow(**_columns(facility)))


def upsert_catalog_item(session: Session, item: CatalogItem) -> None:
    """Insert or replace a catalogue entry (matched by ``code``)."""
    session.merge(m.CatalogItemRow(**_columns(item)))


def get_facility(session: Session, facility_id: str) -> Facility | None:
    """The registry entry for ``facility_id``, or None when the registry does not list it."""
    row = session.get(m.FacilityRow, facility_id)
    return parse(Facility, _row_dict(row, Facility)) if row is not None else None


def get_catalog_item(session: Session, code: str) -> CatalogItem | None:
    """The catalogue entry for ``code``, or None when the catalogue does not list it."""
    row = session.get(m.CatalogItemRow, code)
    return parse(CatalogItem, _row_dict(row, CatalogItem)) if row is not None else None


def facility_names(session: Session, ids: set[str]) -> dict[str, str]:
    """Names of the listed facilities that the registry knows, by ID."""
    if not ids:
        return {}
    rows = session.execute(select(m.FacilityRow.id, m.FacilityRow.name).where(m.FacilityRow.id.in_(ids)))
    return {fid: name for fid, name in rows}

