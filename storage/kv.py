"""A small shared key-value table with expiry: the default store of channels (dedupe, tokens).

Rows whose ``expires_at`` (seconds since the epoch) has passed count as absent; stores delete
them lazily. Redis replaces this table when YIBAO_REDIS_URL is set.
"""

from __future__ import annotations

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base


class KeyValue(Base):
    """One entry: ``key`` → ``value`` until ``expires_at`` (None: no expiry)."""

    __tablename__ = "kv_entries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[float | None] = mapped_column(Float, index=True)
