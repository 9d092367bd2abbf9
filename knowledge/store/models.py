"""Tables of the knowledge base in the database: entries, their versions, and one change counter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base

#: Workflow states of a version: written, waiting for a second editor, live, taken out of service.
STATES = ("draft", "in_review", "published", "retired")
OPEN_STATES = ("draft", "in_review")


class KbEntry(Base):
    """One entry of the knowledge base; its text lives in :class:`KbVersion` rows."""

    __tablename__ = "kb_entries"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    topic: Mapped[str] = mapped_column(String(60), index=True)
    title: Mapped[str] = mapped_column(String(200))
    region_name: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20), index=True)  # state of the newest version
    live_version: Mapped[int | None] = mapped_column(Integer)  # the version residents are answered from
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(120))


class KbVersion(Base):
    """One numbered version of an entry: its Markdown text (knowledge/entries/FORMAT.md) and workflow."""

    __tablename__ = "kb_versions"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("kb_entries.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_note: Mapped[str | None] = mapped_column(Text)


class KbState(Base):
    """A single row whose ``version`` grows with every change to what residents can be answered from.

    App replicas compare it with the version they indexed and rebuild when it moved.
    """

    __tablename__ = "kb_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
