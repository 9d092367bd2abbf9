"""Tables for a member and the parts of the record a member has one of (enrollment, card, account...).

Column names equal the field names of members.record, so members.store can copy between them.
Full names and ID numbers are stored because verification needs them; they are never logged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base

Money = Numeric(14, 2, asdecimal=False)


def _owner() -> Mapped[int]:
    return mapped_column(ForeignKey("members.pk", ondelete="CASCADE"), unique=True)


class Member(Base):
    """A member; ``member_ref`` is the random handle the chat layer holds instead of any identifier."""

    __tablename__ = "members"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[str] = mapped_column(String(64), unique=True)
    member_ref: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    region_name: Mapped[str | None] = mapped_column(String(100))
    policy_ref: Mapped[str | None] = mapped_column(String(60))
    scheme: Mapped[str | None] = mapped_column(String(20))
    resident_tier: Mapped[str | None] = mapped_column(String(20))
    member_category: Mapped[str | None] = mapped_column(String(30))
    hukou_type: Mapped[str | None] = mapped_column(String(20))
    hukou_region: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    residence_permit_region: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    record_updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class EnrollmentRow(Base):
    __tablename__ = "enrollments"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    status: Mapped[str | None] = mapped_column(String(20))
    terminated_reason: Mapped[str | None] = mapped_column(String(20))
    terminated_date: Mapped[date | None] = mapped_column(Date)
    effective_from: Mapped[date | None] = mapped_column(Date)
    concentrated_period_paid: Mapped[bool | None] = mapped_column(Boolean)
    lapse_years: Mapped[int | None] = mapped_column(Integer)


class ContributionRow(Base):
    __tablename__ = "contributions"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    paid_through: Mapped[date | None] = mapped_column(Date)
    last_payment_date: Mapped[date | None] = mapped_column(Date)
    cumulative_years: Mapped[float | None] = mapped_column(Float)
    local_actual_years: Mapped[float | None] = mapped_column(Float)
    avg_base_ratio: Mapped[float | None] = mapped_column(Float)


class EmployerRow(Base):
    """The member's employer and, when it has stopped paying, since when (单位欠费)."""

    __tablename__ = "employer_arrears"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    arrears_since: Mapped[date | None] = mapped_column(Date)


class CardRow(Base):
    __tablename__ = "cards"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    status: Mapped[str | None] = mapped_column(String(20))
    type: Mapped[str | None] = mapped_column(String(30))
    no_masked: Mapped[str | None] = mapped_column(String(40))
    issued_date: Mapped[date | None] = mapped_column(Date)


class YearToDateRow(Base):
    __tablename__ = "ytd_usage"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    year: Mapped[int | None] = mapped_column(Integer)
    pooled_fund_paid: Mapped[float | None] = mapped_column(Money)
    outpatient_pooling_paid: Mapped[float | None] = mapped_column(Money)
    chronic_paid: Mapped[float | None] = mapped_column(Money)
    oop_compliant: Mapped[float | None] = mapped_column(Money)
    # true/false, or the amount already counted towards the deductible
    deductible_met: Mapped[bool | float | None] = mapped_column(JSON)


class PersonalAccountRow(Base):
    __tablename__ = "personal_accounts"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    balance: Mapped[float | None] = mapped_column(Money)


class AssistanceRow(Base):
    __tablename__ = "assistance_status"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    category: Mapped[str | None] = mapped_column(String(30))
    approved_date: Mapped[date | None] = mapped_column(Date)
    flag_synced_date: Mapped[date | None] = mapped_column(Date)


class LtcAssessmentRow(Base):
    __tablename__ = "ltc_assessments"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_pk: Mapped[int] = _owner()
    assessment_status: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(20))
    assessed_date: Mapped[date | None] = mapped_column(Date)
