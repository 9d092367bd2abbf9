"""Group the unanswered questions by similarity, so staff see which gaps residents hit most.

Greedy grouping on character bigrams (Jaccard similarity): cheap, needs no model, and good enough
for short questions that share their key words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.unanswered import UnansweredQuestion

SIMILARITY = 0.35
MAX_ROWS = 3000
EXAMPLES = 5


@dataclass
class QuestionGroup:
    """Similar unanswered questions: how often, when, and a few distinct wordings."""

    text: str
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    examples: list[str] = field(default_factory=list)
    senders: set[str] = field(default_factory=set)
    _grams: set[str] = field(default_factory=set, repr=False)


def bigrams(text: str) -> set[str]:
    """Character bigrams of ``text`` without spaces (the text itself when shorter)."""
    compact = "".join(text.split())
    return {compact[i:i + 2] for i in range(len(compact) - 1)} or {compact}


def similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def group_questions(rows: Iterable[tuple[str, datetime, str | None]], threshold: float = SIMILARITY) -> list[QuestionGroup]:
    """Groups of (text, time, sender hash) rows, the largest and most recent first."""
    groups: list[QuestionGroup] = []
    for text, at, sender in rows:
        grams = bigrams(text)
        best = max(groups, key=lambda g: similarity(g._grams, grams), default=None)
        if best is None or similarity(best._grams, grams) < threshold:
            best = QuestionGroup(text=text, _grams=grams)
            groups.append(best)
        best.count += 1
        best.first = min(best.first or at, at)
        best.last = max(best.last or at, at)
        if text not in best.examples and len(best.examples) < EXAMPLES:
            best.examples.append(text)
        if sender:
            best.senders.add(sender)
    return sorted(groups, key=lambda g: (-g.count, -(g.last.timestamp() if g.last else 0)))


def recent_groups(session: Session, days: int = 90) -> list[QuestionGroup]:
    """Groups of the questions left unanswered in the last ``days`` days."""
    since = datetime.now(timezone.utc) - timedelta(days=days)
    rows = session.execute(
        select(UnansweredQuestion.text, UnansweredQuestion.created_at, UnansweredQuestion.sender_hash)
        .where(UnansweredQuestion.created_at >= since)
        .order_by(UnansweredQuestion.created_at.desc()).limit(MAX_ROWS))
    return group_questions((text, at, sender) for text, at, sender in rows)
