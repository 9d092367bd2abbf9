"""Residents' verdicts on the knowledge base's answers (有帮助 / 没帮助), for staff to review.

Like the unanswered-question log, the question is stored normalised (so redacted of ID and phone
numbers) and the sender only as a salted hash; the entry that answered is kept so staff see which
answer disappointed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.normalize import normalize_text
from knowledge.unanswered import sender_digest
from storage.db import Base

#: Longest question text kept, in characters.
MAX_TEXT_CHARS = 500
#: Entries listed on the dashboard as the most often rated unhelpful.
TOP_ENTRIES = 10


class AnswerFeedback(Base):
    """One rating of one answer: the question, the entry given, helpful or not."""

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[str] = mapped_column(String(80), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    sender_hash: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True)
class FeedbackSummary:
    """Ratings since a time: counts, and the entries most often rated unhelpful."""

    helpful: int
    unhelpful: int
    top_unhelpful: list[tuple[str, int]]

    @property
    def unhelpful_rate(self) -> float:
        total = self.helpful + self.unhelpful
        return self.unhelpful / total if total else 0.0


def record_feedback(
    session: Session, text: str, entry_id: str, helpful: bool, sender: str | None, salt: str
) -> AnswerFeedback:
    """Add one rating to ``session`` (the caller commits)."""
    row = AnswerFeedback(
        text=normalize_text(text)[:MAX_TEXT_CHARS],
        entry_id=entry_id[:80],
        helpful=bool(helpful),
        sender_hash=sender_digest(sender, salt),
        created_at=datetime.now(timezone.utc),
    )
    session.add(row)
    return row


def feedback_summary(session: Session, since: datetime) -> FeedbackSummary:
    """Counts of helpful and unhelpful ratings since ``since`` and the most disliked entries."""
    by_verdict = dict(session.execute(
        select(AnswerFeedback.helpful, func.count()).where(AnswerFeedback.created_at >= since)
        .group_by(AnswerFeedback.helpful)).all())
    count = func.count().label("count")
    top = session.execute(
        select(AnswerFeedback.entry_id, count)
        .where(AnswerFeedback.created_at >= since, AnswerFeedback.helpful.is_(False))
        .group_by(AnswerFeedback.entry_id).order_by(count.desc(), AnswerFeedback.entry_id).limit(TOP_ENTRIES)).all()
    return FeedbackSummary(by_verdict.get(True, 0), by_verdict.get(False, 0), [(entry_id, n) for entry_id, n in top])
