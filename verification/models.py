"""Tables of the verification flow: bindings, attempts, pending codes, used links, the SMS outbox.

Times are naive UTC. No table holds a name or ID number; the outbox keeps only the masked phone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base


class IdentityBinding(Base):
    """A chat identity bound to the member it verified as."""

    __tablename__ = "identity_bindings"
    __table_args__ = (UniqueConstraint("sender", "channel", name="uq_identity_bindings_sender_channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(32))
    member_ref: Mapped[str] = mapped_column(String(64), index=True)
    bound_at: Mapped[datetime] = mapped_column(DateTime)


class VerificationAttempt(Base):
    """One counted attempt (an identity submitted, or a wrong code) by a hashed chat identity."""

    __tablename__ = "verification_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity_hash: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    attempted_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class VerificationChallenge(Base):
    """A code sent for one link: its hash and salt, the member it would bind, when it expires."""

    __tablename__ = "verification_challenges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), index=True)
    identity_hash: Mapped[str] = mapped_column(String(64))
    member_ref: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    code_salt: Mapped[str] = mapped_column(String(32))
    phone_masked: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class UsedLink(Base):
    """The nonce of a link that completed a verification; the link is refused from then on."""

    __tablename__ = "used_link_nonces"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(DateTime)


class SmsOutboxMessage(Base):
    """A text the development SMS gateway "sent": the masked recipient and the text."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_masked: Mapped[str] = mapped_column(String(20), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
