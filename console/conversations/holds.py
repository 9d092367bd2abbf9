"""Which conversations agents hold now (no Flask here)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.models import Takeover


def held_conversations(session: Session) -> dict[str, str]:
    """sender_id → agent, for every conversation an agent holds."""
    rows = session.execute(select(Takeover.sender_id, Takeover.agent).where(Takeover.ended_at.is_(None)))
    return {sender: agent for sender, agent in rows}
