"""Facility registry and drug/item catalogue entries as plain dataclasses (§2, "记录之外需要查询的表")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from members.enums import AgreementStatus, CatalogCategory, FacilityType, ItemType, ServiceScope
from members.record import Region


@dataclass(frozen=True)
class Facility:
    """A hospital, clinic or pharmacy and what it may settle.

    ``specialty`` names a facility open to every member where members choose their facilities
    (北京旧规: 定点中医, 定点专科); ``None`` lists mean the registry does not say.
    """

    id: str
    name: str
    type: FacilityType | None = None
    level: str | None = None
    region: Region | None = None
    designated_for: tuple[ServiceScope, ...] | None = None
    agreement_status: AgreementStatus | None = None
    suspended_until: date | None = None
    cross_region_networked: tuple[ServiceScope, ...] | None = None
    province_pa_networked: bool | None = None
    specialty: str | None = None


@dataclass(frozen=True)
class Restrictions:
    """Limits a catalogue entry is paid under (限适应证 / 限二线 / 限级别)."""

    indication_codes: tuple[str, ...] | None = None
    min_facility_level: int | None = None
    second_line_only: bool = False
    note: str | None = None


@dataclass(frozen=True)
class CatalogItem:
    """A drug, service or product as the catalogue lists it."""

    code: str = field(metadata={"aliases": ("item_code",)})
    name: str
    catalog_category: CatalogCategory | None = field(default=None, metadata={"aliases": ("category",)})
    item_type: ItemType | None = None
    restrictions: Restrictions | None = None
    chronic_disease_codes: tuple[str, ...] | None = None
    declared_by_facility: tuple[str, ...] | None = None
    unit_price: float | None = None
