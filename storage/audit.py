"""The audit log: one row for every access to a member's record (who, in what role, why).

Rows name the member by the opaque ``member_ref`` only; ID numbers and names never enter the log.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.db import Base

# An 18-character ID number or a mobile number inside a detail value is a caller's mistake.
_IDENTIFIER = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9})(?![0-9])")


class AuditError(ValueError):
    """An audit row would have stored an identifier it must not hold."""


class AuditEntry(Base):
    """One audited action on member data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    who: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60), index=True)
    member_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


def record_audit(
    session: Session,
    *,
    who: str,
    role: str,
    action: str,
    reason: str,
    member_ref: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit row to ``session`` (committed with the caller's transaction).

    Raises:
        AuditError: ``reason`` or ``detail`` contains something that looks like an ID or phone number.
    """
    if _IDENTIFIER.search(reason) or (detail and _IDENTIFIER.search(repr(detail))):
        raise AuditError("audit rows must not contain ID or phone numbers; use member_ref")
    entry = AuditEntry(
        who=who,
        role=role,
        action=action,
        member_ref=member_ref,
        reason=reason,
        created_at=datetime.now(timezone.utc),
        detail=detail,
    )
    session.add(entry)
    return entry
