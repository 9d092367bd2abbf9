"""Questions the knowledge base could not answer, kept for staff to review and fill the gaps.

The text is stored normalised (so already redacted of ID and phone numbers); the sender is kept
only as a salted hash, enough to count distinct residents but not to find them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from sqlalchemy import DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.normalize import normalize_text
from storage.db import Base


class UnansweredQuestion(Base):
    """A resident's question that got the not-sure reply (or a thumbs-down)."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    intent: Mapped[str | None] = mapped_column(String(80))
    sender_hash: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(20), default="low_confidence")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


def sender_digest(sender: str | None, salt: str) -> str | None:
    """A short salted hash of a chat identity."""
    if not sender:
        return None
    return hashlib.sha256(f"{salt}:{sender}".encode()).hexdigest()[:16]


def record_unanswered(
    session: Session, text: str, confidence: float, intent: str | None, sender: str | None, salt: str
) -> UnansweredQuestion:
    """Add one unanswered question to ``session`` (the caller commits)."""
    row = UnansweredQuestion(
        text=normalize_text(text)[:500],
        confidence=float(confidence),
        intent=intent[:80] if intent else None,
        sender_hash=sender_digest(sender, salt),
        created_at=datetime.now(timezone.utc),
    )
    session.add(row)
    return row
