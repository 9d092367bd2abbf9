"""Read Rasa's SQL tracker store (read-only): conversations, transcripts and daily figures.

Rasa owns the ``events`` table; this module only selects from it, through a read-only connection
where the database supports one. Nothing here imports Flask.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    create_engine,
    func,
    or_,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from knowledge.topics import policy_topics
from storage.db import normalize_url

#: Days and times are shown in China Standard Time.
TZ = ZoneInfo("Asia/Shanghai")
HANDOFF_ACTION = "action_handoff"
#: Replies that mean the bot could not answer: the knowledge base's not-sure reply and the default fallback.
NOT_SURE_UTTERANCES = ("utter_kb_not_sure", "utter_default")

events = Table(
    "events", MetaData(),  # Rasa's table, deliberately not on storage.db.Base: no migrations touch it
    Column("id", Integer, primary_key=True), Column("sender_id", String(255)), Column("type_name", String(255)),
    Column("timestamp", Float), Column("intent_name", String(255)), Column("action_name", String(255)),
    Column("data", Text),
)

_handoff = func.max(case((events.c.action_name == HANDOFF_ACTION, 1), else_=0))
_not_sure_event = or_(events.c.intent_name == "nlu_fallback",
                      and_(events.c.type_name == "bot", or_(*[events.c.data.like(f'%"{u}"%') for u in NOT_SURE_UTTERANCES])))
_low = func.max(case((_not_sure_event, 1), else_=0))


class TrackerUnavailable(RuntimeError):
    """The tracker store cannot be read (not created yet, or the database is down)."""


@dataclass(frozen=True)
class Conversation:
    sender_id: str
    started: datetime
    last: datetime
    messages: int
    handed_off: bool
    low_confidence: bool
    last_text: str = ""


@dataclass(frozen=True)
class Turn:
    """One line of a transcript: who ("user", "bot", "agent", "event"), what, when, and notes."""

    who: str
    text: str
    at: datetime
    note: str = ""


@dataclass
class Figures:
    """Per-day figures of a period, for the dashboard."""

    days: list[date]
    messages: list[int]
    fallback_rate: list[float]
    handoff_rate: list[float]
    topics: list[tuple[str, int]] = field(default_factory=list)
    total_messages: int = 0
    conversations: int = 0
    handed_off: int = 0  # conversations handed to an agent in the period


def read_only_engine(url: str) -> Engine:
    """An engine that cannot write: SQLite opened with mode=ro, PostgreSQL in read-only transactions."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise TrackerUnavailable("the tracker store is an in-memory SQLite database")
        return create_engine(f"sqlite:///file:{parsed.database}?mode=ro&uri=true")
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, connect_args={"options": "-c default_transaction_read_only=on"})
    return create_engine(url, pool_pre_ping=True)


def _at(timestamp: float | None) -> datetime:
    return datetime.fromtimestamp(timestamp or 0, TZ)


def _day_bounds(day: date) -> tuple[float, float]:
    start = datetime(day.year, day.month, day.day, tzinfo=TZ)
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


class TrackerReader:
    """Queries over the tracker store at ``url``; the engine is created on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None

    def _rows(self, query):  # noqa: ANN001, ANN202 - a SQLAlchemy select, its rows
        parsed = make_url(normalize_url(self.url))
        if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
            return []  # Rasa has not stored a conversation yet
        try:
            if self._engine is None:
                self._engine = read_only_engine(self.url)
            with self._engine.connect() as connection:
                return connection.execute(query).all()
        except SQLAlchemyError as exc:
            raise TrackerUnavailable(type(exc).__name__) from exc

    def conversations(self, handed_off: bool = False, low_confidence: bool = False, day: date | None = None,
                      limit: int = 200) -> list[Conversation]:
        """Conversations, newest first, optionally only handed-off, low-confidence or active on ``day``."""
        query = (select(events.c.sender_id, func.min(events.c.timestamp), func.max(events.c.timestamp),
                        func.sum(case((events.c.type_name == "user", 1), else_=0)), _handoff, _low)
                 .group_by(events.c.sender_id).order_by(func.max(events.c.timestamp).desc()).limit(limit))
        if handed_off:
            query = query.having(_handoff == 1)
        if low_confidence:
            query = query.having(_low == 1)
        if day is not None:
            start, end = _day_bounds(day)
            query = query.having(and_(func.max(events.c.timestamp) >= start, func.min(events.c.timestamp) < end))
        rows = self._rows(query)
        last_text = self._last_user_texts([row[0] for row in rows])
        return [Conversation(sender, _at(first), _at(last), int(count or 0), bool(off), bool(low),
                             last_text.get(sender, "")) for sender, first, last, count, off, low in rows]

    def _last_user_texts(self, senders: list[str]) -> dict[str, str]:
        if not senders:
            return {}
        newest = (select(func.max(events.c.id)).where(events.c.type_name == "user", events.c.sender_id.in_(senders))
                  .group_by(events.c.sender_id))
        rows = self._rows(select(events.c.sender_id, events.c.data).where(events.c.id.in_(newest)))
        return {sender: (json.loads(data or "{}").get("text") or "")[:80] for sender, data in rows}

    def transcript(self, sender_id: str) -> list[Turn]:
        """The conversation's messages in order, with intents, fallbacks and handoffs noted."""
        rows = self._rows(select(events.c.type_name, events.c.timestamp, events.c.action_name, events.c.data)
                          .where(events.c.sender_id == sender_id).order_by(events.c.id))
        turns = []
        for kind, timestamp, action, data in rows:
            event = json.loads(data or "{}")
            if kind == "user":
                parsed = (event.get("parse_data") or {}).get("intent") or {}
                note = f"{parsed.get('name')} {parsed.get('confidence', 0):.2f}" if parsed.get("name") else ""
                turns.append(Turn("user", event.get("text") or "", _at(timestamp), note))
            elif kind == "bot":
                metadata = event.get("metadata") or {}
                who = "agent" if metadata.get("agent_reply") else "bot"
                turns.append(Turn(who, event.get("text") or "", _at(timestamp), metadata.get("utter_action") or ""))
            elif action == HANDOFF_ACTION:
                turns.append(Turn("event", "转人工", _at(timestamp)))
        return turns

    def channel_of(self, sender_id: str) -> str:
        """The input channel of the conversation's latest user message ("rest" when unknown)."""
        rows = self._rows(select(events.c.data).where(events.c.sender_id == sender_id, events.c.type_name == "user")
                          .order_by(events.c.id.desc()).limit(1))
        return (json.loads(rows[0][0] or "{}").get("input_channel") or "rest") if rows else "rest"

    def figures(self, days: int = 14, today: date | None = None, top: int = 10) -> Figures:
        """Messages, fallback rate and handoff rate per day over the last ``days`` days, and the policy topics
        residents asked about most (greetings, ratings and other intents are not topics)."""
        today = today or datetime.now(TZ).date()
        span = [today - timedelta(days=days - 1 - i) for i in range(days)]
        start, _ = _day_bounds(span[0])
        rows = self._rows(select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.intent_name,
                                 events.c.action_name, case((_not_sure_event, 1), else_=0))
                          .where(events.c.timestamp >= start, events.c.type_name.in_(("user", "bot", "action"))))
        messages, not_sure = Counter(), Counter()
        senders, handed = defaultdict(set), defaultdict(set)
        topics, policy = Counter(), policy_topics()
        for sender, kind, timestamp, intent, action, low in rows:
            day = _at(timestamp).date()
            if kind == "user":
                messages[day] += 1
                senders[day].add(sender)
                if intent in policy:
                    topics[intent] += 1
            elif kind == "bot" and low:
                not_sure[day] += 1
            elif action == HANDOFF_ACTION:
                handed[day].add(sender)
        all_senders = set().union(*senders.values()) if senders else set()
        return Figures(
            days=span,
            messages=[messages[d] for d in span],
            fallback_rate=[not_sure[d] / messages[d] if messages[d] else 0.0 for d in span],
            handoff_rate=[len(handed[d]) / len(senders[d]) if senders[d] else 0.0 for d in span],
            topics=topics.most_common(top),
            total_messages=sum(messages.values()),
            conversations=len(all_senders),
            handed_off=len(set().union(*handed.values()) & all_senders) if handed else 0,
        )
