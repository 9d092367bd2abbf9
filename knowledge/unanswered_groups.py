"""Group the questions the knowledge base failed on by similarity, so staff see which gaps residents
hit most: low-confidence questions (the not-sure reply) and thumbs-down ones (an answer that did not help).

Greedy grouping on character bigrams (Jaccard similarity): cheap, needs no model, and good enough
for short questions that share their key words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.feedback import AnswerFeedback
from knowledge.unanswered import UnansweredQuestion

SIMILARITY = 0.35
MAX_ROWS = 3000
EXAMPLES = 5
#: Why a question is listed: the bot was not sure (低置信), or a resident rated its answer unhelpful (差评).
LOW_CONFIDENCE = "low_confidence"
THUMBS_DOWN = "thumbs_down"
KINDS = (LOW_CONFIDENCE, THUMBS_DOWN)


@dataclass(frozen=True)
class FailedQuestion:
    """One question: its (redacted) text, when, the sender's hash, why, and for a thumbs-down the entry given."""

    text: str
    at: datetime
    sender: str | None = None
    kind: str = LOW_CONFIDENCE
    entry_id: str | None = None


@dataclass
class QuestionGroup:
    """Similar questions: how often and why, when, a few distinct wordings, the entries that disappointed."""

    text: str
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    examples: list[str] = field(default_factory=list)
    senders: set[str] = field(default_factory=set)
    kinds: Counter[str] = field(default_factory=Counter)
    entries: Counter[str] = field(default_factory=Counter)
    _grams: set[str] = field(default_factory=set, repr=False)

    def add(self, question: FailedQuestion) -> None:
        self.count += 1
        self.first = min(self.first or question.at, question.at)
        self.last = max(self.last or question.at, question.at)
        if question.text not in self.examples and len(self.examples) < EXAMPLES:
            self.examples.append(question.text)
        if question.sender:
            self.senders.add(question.sender)
        self.kinds[question.kind] += 1
        if question.entry_id:
            self.entries[question.entry_id] += 1


def bigrams(text: str) -> set[str]:
    """Character bigrams of ``text`` without spaces (the text itself when shorter)."""
    compact = "".join(text.split())
    return {compact[i:i + 2] for i in range(len(compact) - 1)} or {compact}


def similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def group_questions(questions: Iterable[FailedQuestion], threshold: float = SIMILARITY) -> list[QuestionGroup]:
    """Groups of similar questions (of either kind), the largest and most recent first."""
    groups: list[QuestionGroup] = []
    for question in questions:
        grams = bigrams(question.text)
        best = max(groups, key=lambda g: similarity(g._grams, grams), default=None)
        if best is None or similarity(best._grams, grams) < threshold:
            best = QuestionGroup(text=question.text, _grams=grams)
            groups.append(best)
        best.add(question)
    return sorted(groups, key=lambda g: (-g.count, -(g.last.timestamp() if g.last else 0)))


def recent_questions(session: Session, since: datetime, kind: str | None = None) -> list[FailedQuestion]:
    """The newest questions of ``kind`` (None: both) since ``since``, newest first, at most MAX_ROWS."""
    questions: list[FailedQuestion] = []
    if kind in (None, LOW_CONFIDENCE):
        rows = session.execute(
            select(UnansweredQuestion.text, UnansweredQuestion.created_at, UnansweredQuestion.sender_hash)
            .where(UnansweredQuestion.created_at >= since)
            .order_by(UnansweredQuestion.created_at.desc()).limit(MAX_ROWS))
        questions += [FailedQuestion(text, at, sender) for text, at, sender in rows]
    if kind in (None, THUMBS_DOWN):
        rows = session.execute(
            select(AnswerFeedback.text, AnswerFeedback.created_at, AnswerFeedback.sender_hash, AnswerFeedback.entry_id)
            .where(AnswerFeedback.created_at >= since, AnswerFeedback.helpful.is_(False))
            .order_by(AnswerFeedback.created_at.desc()).limit(MAX_ROWS))
        questions += [FailedQuestion(text, at, sender, THUMBS_DOWN, entry) for text, at, sender, entry in rows]
    return sorted(questions, key=lambda q: q.at, reverse=True)[:MAX_ROWS]


def recent_groups(session: Session, days: int = 90, kind: str | None = None) -> list[QuestionGroup]:
    """Groups of the questions of ``kind`` (None: both) of the last ``days`` days."""
    since = datetime.now(timezone.utc) - timedelta(days=days)
    return group_questions(recent_questions(session, since, kind))
