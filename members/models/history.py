"""Tables for the parts of a record a member may have many of (certifications, filings, sanctions...)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base


def _owner() -> Mapped[int]:
    return mapped_column(ForeignKey("members.pk", ondelete="CASCADE"), index=True)


class ChronicCertRow(Base):
    """An outpatient chronic/special disease certification (门诊慢特病认定)."""

    __tablename__ = "chronic_certs"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    disease_code: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    disease_name: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str | None] = mapped_column(String(20))
    applied_date: Mapped[date | None] = mapped_column(Date)
    approved_date: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    review_due: Mapped[date | None] = mapped_column(Date)
    last_review_date: Mapped[date | None] = mapped_column(Date)
    revoked_date: Mapped[date | None] = mapped_column(Date)
    entered_in_system: Mapped[bool | None] = mapped_column(Boolean)
    designated_facility_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    cert_no: Mapped[str | None] = mapped_column(String(40))


class DispenseRow(Base):
    __tablename__ = "chronic_dispense_history"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    drug_code: Mapped[str] = mapped_column(String(40))
    date: Mapped[date] = mapped_column(Date)
    days_supply: Mapped[int] = mapped_column(Integer)
    facility_id: Mapped[str | None] = mapped_column(String(64))


class ChosenFacilityRow(Base):
    __tablename__ = "chosen_facilities"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    facility_id: Mapped[str] = mapped_column(String(64))
    facility_name: Mapped[str | None] = mapped_column(String(200))
    chosen_date: Mapped[date | None] = mapped_column(Date)


class CrossRegionFilingRow(Base):
    __tablename__ = "cross_region_filings"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    type: Mapped[str] = mapped_column(String(30))
    dest_region: Mapped[dict[str, Any]] = mapped_column(JSON)
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(20))


class ReferralRow(Base):
    __tablename__ = "referrals"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    approved: Mapped[bool] = mapped_column(Boolean)
    from_facility: Mapped[str | None] = mapped_column(String(64))
    to_facility: Mapped[str | None] = mapped_column(String(64))
    to_region: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    date: Mapped[date | None] = mapped_column(Date)


class SpecialApprovalRow(Base):
    __tablename__ = "special_approvals"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    item_code: Mapped[str] = mapped_column(String(40))
    approved_by: Mapped[str] = mapped_column(String(20))
    date: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)


class SupplementaryCoverRow(Base):
    __tablename__ = "supplementary_covers"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    type: Mapped[str] = mapped_column(String(30))
    name: Mapped[str | None] = mapped_column(String(100))
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SanctionRow(Base):
    """A suspension of the member's direct settlement (暂停联网结算) or a freeze."""

    __tablename__ = "sanctions"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    type: Mapped[str] = mapped_column(String(30))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200))
    case_no: Mapped[str | None] = mapped_column(String(60))
    appeal_status: Mapped[str | None] = mapped_column(String(20))


class OtherEnrollmentRow(Base):
    """An enrollment elsewhere found by the national comparison (全国参保库比对)."""

    __tablename__ = "other_enrollments"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    region: Mapped[dict[str, Any]] = mapped_column(JSON)
    scheme: Mapped[str | None] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
