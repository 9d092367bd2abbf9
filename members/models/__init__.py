"""SQLAlchemy tables for member records, the facility registry and the catalogue (all on storage.db.Base)."""

from members.models.history import (
    ChosenFacilityRow,
    ChronicCertRow,
    CrossRegionFilingRow,
    DispenseRow,
    OtherEnrollmentRow,
    ReferralRow,
    SanctionRow,
    SpecialApprovalRow,
    SupplementaryCoverRow,
)
from members.models.member import (
    AssistanceRow,
    CardRow,
    ContributionRow,
    EmployerRow,
    EnrollmentRow,
    LtcAssessmentRow,
    Member,
    PersonalAccountRow,
    YearToDateRow,
)
from members.models.registry import CatalogItemRow, FacilityRow

__all__ = [
    "AssistanceRow",
    "CardRow",
    "CatalogItemRow",
    "ChosenFacilityRow",
    "ChronicCertRow",
    "ContributionRow",
    "CrossRegionFilingRow",
    "DispenseRow",
    "EmployerRow",
    "EnrollmentRow",
    "FacilityRow",
    "LtcAssessmentRow",
    "Member",
    "OtherEnrollmentRow",
    "PersonalAccountRow",
    "ReferralRow",
    "SanctionRow",
    "SpecialApprovalRow",
    "SupplementaryCoverRow",
    "YearToDateRow",
]
