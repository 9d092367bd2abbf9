"""A member's record as plain frozen dataclasses (shared/domain/eligibility_rules.md §2).

This is the shape the import reads from JSON Lines, the store writes to and reads from the
database, and the eligibility engine checks. ``None`` always means "the system does not show it",
never "no": the engine reports such fields as unknown instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from members.enums import (
    AppealStatus,
    ApprovalLevel,
    AssistanceCategory,
    CardStatus,
    CardType,
    CertCategory,
    CertStatus,
    EnrollmentStatus,
    FilingStatus,
    FilingType,
    Gender,
    HukouType,
    LtcStatus,
    MemberCategory,
    SanctionType,
    Scheme,
    ServiceScope,
    SupplementaryType,
    TerminatedReason,
)


@dataclass(frozen=True)
class Region:
    """A pooling region (统筹区) by administrative code; a bare string in JSON means the code."""

    code: str
    name: str | None = None
    policy_ref: str | None = None


@dataclass(frozen=True)
class Enrollment:
    status: EnrollmentStatus | None = None
    terminated_reason: TerminatedReason | None = None
    terminated_date: date | None = None
    effective_from: date | None = None
    concentrated_period_paid: bool | None = None
    lapse_years: int | None = None


@dataclass(frozen=True)
class Contribution:
    paid_through: date | None = None
    last_payment_date: date | None = None
    cumulative_years: float | None = None
    local_actual_years: float | None = None
    avg_base_ratio: float | None = None


@dataclass(frozen=True)
class Employer:
    id: str | None = None
    name: str | None = None
    arrears_since: date | None = None


@dataclass(frozen=True)
class Card:
    status: CardStatus | None = None
    type: CardType | None = None
    no_masked: str | None = None
    issued_date: date | None = None


@dataclass(frozen=True)
class ChronicCert:
    disease_code: str
    status: CertStatus
    disease_name: str | None = None
    category: CertCategory | None = None
    applied_date: date | None = None
    approved_date: date | None = None
    valid_until: date | None = None
    review_due: date | None = None
    last_review_date: date | None = None
    revoked_date: date | None = None
    entered_in_system: bool | None = None
    designated_facility_ids: tuple[str, ...] = ()
    cert_no: str | None = None


@dataclass(frozen=True)
class Dispense:
    drug_code: str
    date: date
    days_supply: int
    facility_id: str | None = None


@dataclass(frozen=True)
class ChosenFacility:
    facility_id: str
    facility_name: str | None = None
    chosen_date: date | None = None


@dataclass(frozen=True)
class CrossRegionFiling:
    type: FilingType
    dest_region: Region
    scope: tuple[ServiceScope, ...] = ()
    start: date | None = None
    end: date | None = None
    status: FilingStatus | None = None


@dataclass(frozen=True)
class Referral:
    approved: bool
    from_facility: str | None = None
    to_facility: str | None = None
    to_region: Region | None = None
    date: date | None = None


@dataclass(frozen=True)
class SpecialApproval:
    item_code: str
    approved_by: ApprovalLevel
    date: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class YearToDate:
    """Amounts used so far in ``year`` (the record's year when ``year`` is not given)."""

    year: int | None = None
    pooled_fund_paid: float | None = None
    outpatient_pooling_paid: float | None = None
    chronic_paid: float | None = None
    oop_compliant: float | None = None
    deductible_met: bool | float | None = None


@dataclass(frozen=True)
class PersonalAccount:
    balance: float | None = None


@dataclass(frozen=True)
class SupplementaryCover:
    type: SupplementaryType
    name: str | None = None
    start: date | None = None
    end: date | None = None
    active: bool = True


@dataclass(frozen=True)
class Assistance:
    category: AssistanceCategory | None = None
    approved_date: date | None = None
    flag_synced_date: date | None = None


@dataclass(frozen=True)
class Sanction:
    type: SanctionType
    start: date
    end: date | None = None
    reason: str | None = None
    case_no: str | None = None
    appeal_status: AppealStatus | None = None


@dataclass(frozen=True)
class OtherEnrollment:
    region: Region
    scheme: Scheme | None = None
    year: int | None = None
    start: date | None = None
    end: date | None = None
    active: bool = True


@dataclass(frozen=True)
class LtcAssessment:
    assessment_status: LtcStatus | None = None
    level: str | None = None
    assessed_date: date | None = None


@dataclass(frozen=True)
class MemberRecord:
    """One member's full record (§2)."""

    member_id: str
    name: str
    id_number: str
    insured_region: Region
    gender: Gender | None = None
    birth_date: date | None = None
    phone: str | None = None
    scheme: Scheme | None = None
    resident_tier: str | None = None
    member_category: MemberCategory | None = None
    hukou_type: HukouType | None = None
    hukou_region: Region | None = None
    residence_permit_region: Region | None = None
    enrollment: Enrollment | None = None
    contribution: Contribution | None = None
    employer: Employer | None = None
    card: Card | None = None
    chronic_certs: tuple[ChronicCert, ...] = ()
    chronic_dispense_history: tuple[Dispense, ...] = ()
    chosen_facilities: tuple[ChosenFacility, ...] = ()
    cross_region_filings: tuple[CrossRegionFiling, ...] = ()
    referrals: tuple[Referral, ...] = ()
    special_approvals: tuple[SpecialApproval, ...] = ()
    ytd: YearToDate | None = None
    personal_account: PersonalAccount | None = None
    supplementary: tuple[SupplementaryCover, ...] = ()
    assistance: Assistance | None = None
    sanctions: tuple[Sanction, ...] = ()
    other_enrollments: tuple[OtherEnrollment, ...] = ()
    ltc: LtcAssessment | None = None
    record_updated_at: datetime | None = None
    synthetic: bool = field(default=False)
