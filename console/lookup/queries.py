"""Find members by internal id or ID number and show their record masked (no Flask here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from members import models as m
from members.enums import Coded, label
from members.record import MemberRecord
from privacy.mask import mask_id_number, mask_name, mask_phone

ID_NUMBER = re.compile(r"^[0-9]{17}[0-9Xx]$")
MEMBER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class BadQuery(ValueError):
    """What the agent typed is not a member id or an ID number."""


@dataclass(frozen=True)
class Profile:
    """A member's record as an agent may see it: identifiers masked, codes as Chinese words."""

    member_ref: str
    fields: list[tuple[str, str]]
    chronic: list[dict[str, Any]]


def find_member_refs(session: Session, kind: str, value: str) -> list[str]:
    """References of the members matching a member id (``kind`` "member_id") or an ID number."""
    value = value.strip()
    if kind == "id_number":
        if not ID_NUMBER.match(value):
            raise BadQuery("id_number")
        query = select(m.Member.member_ref).where(m.Member.id_number == value.upper()).order_by(m.Member.pk)
    else:
        if not MEMBER_ID.match(value):
            raise BadQuery("member_id")
        query = select(m.Member.member_ref).where(m.Member.member_id == value)
    return list(session.scalars(query))


def _text(value: Any) -> str:
    if value is None:
        return "（系统未显示）"
    if isinstance(value, Coded):
        return label(value)
    return str(value)


def masked_profile(member_ref: str, record: MemberRecord) -> Profile:
    """The record's main facts for the console, masked."""
    region = record.insured_region
    fields = [
        ("姓名", mask_name(record.name)),
        ("证件号", mask_id_number(record.id_number)),
        ("手机", mask_phone(record.phone) if record.phone else "（无）"),
        ("性别", _text(record.gender)),
        ("出生年份", str(record.birth_date.year) if record.birth_date else "（系统未显示）"),
        ("参保地", f"{region.name or ''}（{region.code}）"),
        ("险种", _text(record.scheme)),
        ("人员类别", _text(record.member_category)),
        ("参保状态", _text(record.enrollment.status if record.enrollment else None)),
        ("缴费至", _text(record.contribution.paid_through if record.contribution else None)),
        ("医保卡", _text(record.card.status if record.card else None)),
        ("数据更新时间", _text(record.record_updated_at)),
    ]
    chronic = [{"disease": cert.disease_name or cert.disease_code, "status": _text(cert.status),
                "valid_until": _text(cert.valid_until)} for cert in record.chronic_certs]
    return Profile(member_ref, fields, chronic)
