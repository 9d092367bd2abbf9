"""Read side of the stored knowledge base, the change counter and seeding from the entry files."""

from __future__ import annotations

import dataclasses
import difflib
import re
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from knowledge.entries import ENTRIES_DIR, Entry, load_entries, parse_entry
from knowledge.store.models import OPEN_STATES, KbEntry, KbState, KbVersion
from storage.audit import record_audit

SEED_AUTHOR = "seed"


class EntryNotFound(LookupError):
    """No stored entry (or version) has this id (or number)."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def to_content(entry: Entry) -> str:
    """The stored text of an entry: its Markdown file form, always with status "published".

    The workflow state lives in ``kb_versions.state``; the text is what residents get once it is live.
    """
    return dataclasses.replace(entry, status="published").to_markdown()


@lru_cache(maxsize=4096)
def to_entry(content: str, origin: str = "<stored>") -> Entry:
    """The Entry in a stored version's text (parsed once per text: YAML parsing is slow)."""
    return parse_entry(content, origin)


def kb_version(session: Session) -> int:
    """The change counter (0 before anything was published)."""
    return session.scalar(select(KbState.version).where(KbState.id == 1)) or 0


def bump_version(session: Session) -> int:
    """Count one change to the live knowledge base; replicas rebuild when they see it."""
    state = session.get(KbState, 1)
    if state is None:
        state = KbState(id=1, version=0, changed_at=now())
        session.add(state)
    state.version = (state.version or 0) + 1
    state.changed_at = now()
    session.flush()
    return state.version


def published_entries(session: Session) -> list[Entry]:
    """Every live entry as residents are answered from it."""
    rows = session.execute(
        select(KbVersion.entry_id, KbVersion.content)
        .join(KbEntry, (KbEntry.id == KbVersion.entry_id) & (KbEntry.live_version == KbVersion.number))
        .where(KbEntry.retired.is_(False))
        .order_by(KbVersion.entry_id)
    )
    return [to_entry(content) for _entry_id, content in rows]


def seed_from_files(session: Session, directory: Path = ENTRIES_DIR) -> int:
    """Store the entry files under ``directory`` as published version 1 when the database holds none
    of their ids (file names are the ids, so a seeded database costs no parsing).

    Returns how many were stored (0 when the database was already seeded).
    """
    ids = [path.stem for path in directory.glob("*/*.md")]
    if not ids or session.scalar(select(func.count()).select_from(KbEntry).where(KbEntry.id.in_(ids))):
        return 0
    entries = load_entries(directory)
    stamp = now()
    for entry in entries:
        session.add(KbEntry(id=entry.id, topic=entry.topic, title=entry.title, region_name=entry.region_name,
                            state="published", live_version=1, retired=False, updated_at=stamp,
                            updated_by=SEED_AUTHOR))
        session.add(KbVersion(entry_id=entry.id, number=1, content=to_content(entry), state="published",
                              author=SEED_AUTHOR, created_at=stamp, note="从条目文件导入", reviewer=SEED_AUTHOR,
                              reviewed_at=stamp))
    session.flush()
    bump_version(session)
    record_audit(session, who=SEED_AUTHOR, role="system", action="kb.seed", reason="seed from entry files",
                 detail={"entries": len(entries)})
    return len(entries)


def get_entry(session: Session, entry_id: str) -> KbEntry:
    """The stored entry ``entry_id``. Raises EntryNotFound."""
    row = session.get(KbEntry, entry_id)
    if row is None:
        raise EntryNotFound(entry_id)
    return row


def get_version(session: Session, entry_id: str, number: int) -> KbVersion:
    """Version ``number`` of ``entry_id``. Raises EntryNotFound."""
    row = session.scalar(select(KbVersion).where(KbVersion.entry_id == entry_id, KbVersion.number == number))
    if row is None:
        raise EntryNotFound(f"{entry_id} v{number}")
    return row


def history(session: Session, entry_id: str) -> list[KbVersion]:
    """Every version of an entry, newest first."""
    return list(session.scalars(
        select(KbVersion).where(KbVersion.entry_id == entry_id).order_by(KbVersion.number.desc())))


def open_version(session: Session, entry_id: str) -> KbVersion | None:
    """The draft or in-review version of an entry, if one is being worked on."""
    return session.scalar(
        select(KbVersion).where(KbVersion.entry_id == entry_id, KbVersion.state.in_(OPEN_STATES))
        .order_by(KbVersion.number.desc()))


def live_version(session: Session, entry_id: str) -> KbVersion | None:
    """The version residents are answered from (None for a new or retired entry)."""
    entry = get_entry(session, entry_id)
    return get_version(session, entry_id, entry.live_version) if entry.live_version else None


def list_entries(session: Session, state: str | None = None, topic: str | None = None,
                 text: str | None = None, limit: int = 500) -> list[KbEntry]:
    """Stored entries filtered by newest state, topic and words in the id or title."""
    query = select(KbEntry).order_by(KbEntry.id).limit(limit)
    if state:
        query = query.where(KbEntry.state == state)
    if topic:
        query = query.where(KbEntry.topic == topic)
    if text:
        like = f"%{text.strip()}%"
        query = query.where(or_(KbEntry.id.like(like), KbEntry.title.like(like)))
    return list(session.scalars(query))


def topics(session: Session) -> list[str]:
    """The topics that have entries."""
    return list(session.scalars(select(KbEntry.topic).distinct().order_by(KbEntry.topic)))


def next_entry_id(session: Session, topic: str) -> str:
    """A new id in ``topic``: one more than the highest number used there (topic-NNN)."""
    numbers = [int(m.group(1)) for entry_id in session.scalars(select(KbEntry.id).where(KbEntry.topic == topic))
               if (m := re.search(r"-([0-9]+)$", entry_id))]
    return f"{topic}-{max(numbers, default=0) + 1:03d}"


def diff_lines(old: str, new: str, old_label: str = "old", new_label: str = "new") -> list[str]:
    """A unified diff (difflib) of two stored texts, line by line."""
    return list(difflib.unified_diff(old.splitlines(), new.splitlines(), old_label, new_label, lineterm=""))
