"""What a check is about: the encounter (date, benefit, facility, item...) with registry entries resolved.

The chat layer sends the §1 input; members.service resolves the facility and catalogue entries and
builds a :class:`CheckContext`. The engine reads nothing else but the record and the policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from members.enums import BenefitType, CardType
from members.record import Region
from members.registry import CatalogItem, Facility

#: Asker descriptions that count as verified (§7.1): the member, or an agent whose mandate was checked.
VERIFIED_ASKERS = ("本人", "self")
VERIFIED_MARKERS = ("已核验", "已授权", "verified")


@dataclass(frozen=True)
class Claim:
    """Amounts of the bill or purchase being asked about, when the resident gives them."""

    amount: float | None = None
    policy_range_amount: float | None = None
    quantity: float | None = None
    days_supply: int | None = None


@dataclass(frozen=True)
class CheckContext:
    """One eligibility question about one member (§1 input, resolved)."""

    check_date: date
    benefit_type: BenefitType
    facility_id: str | None = None
    facility: Facility | None = None
    item_code: str | None = None
    item: CatalogItem | None = None
    disease_code: str | None = None
    disease_name: str | None = None
    is_emergency: bool = False
    is_referral: bool = False
    encounter_region: Region | None = None
    claim: Claim | None = None
    credential: CardType | None = None
    asker: str = "本人"
    identity_verified: bool | None = True
    conflicting_records: int = 0
    facility_names: Mapping[str, str] = field(default_factory=dict)

    @property
    def asker_verified(self) -> bool:
        """True for the member or a verified agent; anyone else may not see the record (§7.1)."""
        text = self.asker.strip()
        return text in VERIFIED_ASKERS or any(marker in text for marker in VERIFIED_MARKERS)
