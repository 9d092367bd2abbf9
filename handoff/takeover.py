"""Take over, hand back, ask whether a conversation is held, and send an agent's reply."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.models import Takeover

#: channel name → function(sender_id, text) that delivers an agent's message; raises DeliveryError.
Sender = Callable[[str, str], None]
_senders: dict[str, Sender] = {}


class TakeoverError(RuntimeError):
    """A takeover action that does not fit the conversation's state."""


class DeliveryError(RuntimeError):
    """An agent's message could not be delivered; ``code`` is the channel's error code if any."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


def register_sender(channel: str, sender: Sender) -> None:
    """Let agents' replies to conversations on ``channel`` go out through ``sender``."""
    _senders[channel] = sender


def active_takeover(session: Session, sender_id: str) -> Takeover | None:
    """The takeover holding ``sender_id`` now, if any."""
    return session.scalars(
        select(Takeover).where(Takeover.sender_id == sender_id, Takeover.ended_at.is_(None))
    ).first()


def is_taken_over(session: Session, sender_id: str) -> bool:
    """True while an agent holds the conversation: the bot must stay silent."""
    return active_takeover(session, sender_id) is not None


def take_over(session: Session, sender_id: str, channel: str, agent: str) -> Takeover:
    """Start holding a conversation; refuses one another agent holds."""
    current = active_takeover(session, sender_id)
    if current is not None:
        if current.agent == agent:
            return current
        raise TakeoverError(f"conversation already held by {current.agent}")
    takeover = Takeover(sender_id=sender_id, channel=channel, agent=agent, started_at=datetime.now(timezone.utc))
    session.add(takeover)
    session.flush()
    return takeover


def hand_back(session: Session, sender_id: str) -> None:
    """End the takeover: the bot answers the next message again."""
    current = active_takeover(session, sender_id)
    if current is None:
        raise TakeoverError("conversation is not taken over")
    current.ended_at = datetime.now(timezone.utc)


def send_agent_reply(session: Session, sender_id: str, text: str) -> None:
    """Deliver an agent's message through the channel the resident used; raises DeliveryError."""
    current = active_takeover(session, sender_id)
    if current is None:
        raise TakeoverError("take the conversation over before replying")
    sender = _senders.get(current.channel)
    if sender is None:
        raise DeliveryError(f"no delivery for channel {current.channel!r}")
    sender(sender_id, text)
