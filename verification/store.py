"""Database reads and writes of the verification flow (the caller owns the transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from members.models import Member
from verification.identity import ChatIdentity
from verification.models import IdentityBinding, UsedLink, VerificationAttempt, VerificationChallenge


@dataclass(frozen=True)
class MemberContact:
    """The one member a name and ID number matched: its reference and phone on file."""

    member_ref: str
    phone: str | None


def attempts_since(session: Session, identity_hash: str, since: datetime) -> int:
    """How many counted attempts the identity made since ``since``."""
    return session.scalar(
        select(func.count()).select_from(VerificationAttempt)
        .where(VerificationAttempt.identity_hash == identity_hash, VerificationAttempt.attempted_at >= since)
    ) or 0


def add_attempt(session: Session, identity_hash: str, kind: str, now: datetime) -> None:
    """Count one attempt."""
    session.add(VerificationAttempt(identity_hash=identity_hash, kind=kind, attempted_at=now))


def find_member(session: Session, name: str, id_number: str) -> MemberContact | None:
    """The member whose name *and* ID number match (the oldest record if several), or None."""
    rows = session.execute(
        select(Member.member_ref, Member.name, Member.phone).where(Member.id_number == id_number).order_by(Member.pk)
    )
    for member_ref, member_name, phone in rows:
        if member_name == name:
            return MemberContact(member_ref, phone)
    return None


def add_challenge(session: Session, challenge: VerificationChallenge) -> None:
    """Store a pending code."""
    session.add(challenge)


def pending_challenge(session: Session, nonce: str, identity_hash: str) -> VerificationChallenge | None:
    """The newest unused code sent for this link and identity."""
    return session.scalar(
        select(VerificationChallenge)
        .where(VerificationChallenge.nonce == nonce, VerificationChallenge.identity_hash == identity_hash,
               VerificationChallenge.used_at.is_(None))
        .order_by(VerificationChallenge.id.desc()).limit(1)
    )


def link_used(session: Session, nonce: str) -> bool:
    """True once a verification through the link with this nonce succeeded."""
    return session.get(UsedLink, nonce) is not None


def mark_link_used(session: Session, nonce: str, now: datetime) -> None:
    """Record the link's nonce as used."""
    session.add(UsedLink(nonce=nonce, used_at=now))


def bound_member(session: Session, identity: ChatIdentity) -> str | None:
    """The member_ref the identity is bound to, or None."""
    return session.scalar(
        select(IdentityBinding.member_ref)
        .where(IdentityBinding.sender == identity.sender, IdentityBinding.channel == identity.channel)
    )


def bind(session: Session, identity: ChatIdentity, member_ref: str, now: datetime) -> None:
    """Bind the identity to ``member_ref``, replacing an earlier binding of the same identity."""
    unbind(session, identity)
    session.add(IdentityBinding(sender=identity.sender, channel=identity.channel, member_ref=member_ref, bound_at=now))


def unbind(session: Session, identity: ChatIdentity) -> bool:
    """Remove the identity's binding; True when there was one."""
    result = session.execute(
        delete(IdentityBinding)
        .where(IdentityBinding.sender == identity.sender, IdentityBinding.channel == identity.channel)
    )
    return bool(result.rowcount)


def window_start(now: datetime, hours: int) -> datetime:
    """The start of the counting window that ends at ``now``."""
    return now - timedelta(hours=hours)
