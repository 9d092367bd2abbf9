"""Tables for the facility registry and the drug/item catalogue; columns match members.registry."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base


class FacilityRow(Base):
    __tablename__ = "facilities"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    designated_for: Mapped[list[str] | None] = mapped_column(JSON)
    agreement_status: Mapped[str | None] = mapped_column(String(20))
    suspended_until: Mapped[date | None] = mapped_column(Date)
    cross_region_networked: Mapped[list[str] | None] = mapped_column(JSON)
    province_pa_networked: Mapped[bool | None] = mapped_column(Boolean)
    specialty: Mapped[str | None] = mapped_column(String(40))


class CatalogItemRow(Base):
    __tablename__ = "catalog_items"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    catalog_category: Mapped[str | None] = mapped_column(String(20))
    item_type: Mapped[str | None] = mapped_column(String(30))
    restrictions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    chronic_disease_codes: Mapped[list[str] | None] = mapped_column(JSON)
    declared_by_facility: Mapped[list[str] | None] = mapped_column(JSON)
    unit_price: Mapped[float | None] = mapped_column(Numeric(14, 2, asdecimal=False))
