"""Filtered pages of the audit log (no Flask here)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.audit import AuditEntry

#: Filter name → action prefix.
CATEGORIES = {"auth": "auth.", "member": "member.", "kb": "kb.", "handoff": "handoff."}
CHINA = timezone(timedelta(hours=8))


def audit_page(session: Session, category: str | None = None, who: str | None = None, day: date | None = None,
               offset: int = 0, limit: int = 100) -> tuple[list[AuditEntry], int]:
    """Audit rows, newest first, and how many match in all."""
    query = select(AuditEntry)
    if category in CATEGORIES:
        query = query.where(AuditEntry.action.startswith(CATEGORIES[category]))
    if who:
        query = query.where(AuditEntry.who == who)
    if day:
        start = datetime(day.year, day.month, day.day, tzinfo=CHINA).astimezone(timezone.utc)
        query = query.where(AuditEntry.created_at >= start, AuditEntry.created_at < start + timedelta(days=1))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit))
    return list(rows), total
