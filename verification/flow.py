"""The verification flow: link → name and ID number → code by SMS → binding. Used by service/bind.py.

Counting rule: every submitted name and ID number (matched or not: each may send an SMS) and every
wrong code is one attempt; a chat identity has at most ``attempts_per_day`` in any 24 hours, and the
next one is refused. Each step runs in its own transaction, so a refused step still counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session, sessionmaker

from privacy import mask_phone
from storage.audit import record_audit
from storage.db import session_scope
from verification import codes, store
from verification.errors import (
    AttemptsExhausted,
    CodeExpired,
    CodeMismatch,
    IdentityMismatch,
    LinkUsed,
    NoPendingCode,
    NoPhoneOnFile,
    NotBound,
)
from verification.identity import ChatIdentity
from verification.models import VerificationChallenge
from verification.sms import CODE_TEXT, SmsGateway
from verification.tokens import LinkClaims, read_link, sign_link

#: Audit role of a resident acting through the chat.
ROLE = "resident"


@dataclass(frozen=True)
class Limits:
    """Lifetimes and the attempt limit (seconds, count)."""

    link_ttl_s: int = 600
    code_ttl_s: int = 300
    attempts_per_day: int = 5


@dataclass(frozen=True)
class CodeSent:
    """A code is on its way to this (masked) phone number."""

    phone_masked: str
    expires_in_s: int


def utc_now() -> datetime:
    """Naive UTC, the form every verification table stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def normalize_id_number(id_number: str) -> str:
    """An ID number as stored: no spaces, capital X."""
    return "".join(id_number.split()).upper()


class Verifier:
    """Runs the verification steps against the database, the SMS gateway and the app's key."""

    def __init__(self, sessions: sessionmaker[Session], secret_key: str, gateway: SmsGateway,
                 limits: Limits | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        self.sessions = sessions
        self.secret_key = secret_key
        self.gateway = gateway
        self.limits = limits or Limits()
        self.clock = clock

    # links
    def new_link_token(self, identity: ChatIdentity) -> str:
        """A signed one-time token for the /bind page of ``identity``."""
        return sign_link(self.secret_key, identity)

    def open_link(self, token: str) -> LinkClaims:
        """The claims of a link that is genuine, fresh and unused.

        Raises:
            LinkInvalid, LinkExpired, LinkUsed: the page explains each.
        """
        claims = read_link(self.secret_key, token, self.limits.link_ttl_s)
        with session_scope(self.sessions) as session:
            if store.link_used(session, claims.nonce):
                raise LinkUsed("this link was already used")
        return claims

    # steps
    def submit_identity(self, token: str, name: str, id_number: str) -> CodeSent:
        """Check name and ID number; on a match send a code to the phone on file.

        Raises:
            AttemptsExhausted, IdentityMismatch, NoPhoneOnFile, SmsError, and the link errors.
        """
        claims = self.open_link(token)
        self._count_attempt(claims.identity, "identity")
        who = claims.identity.audit_name(self.secret_key)
        now = self.clock()
        code = codes.new_code()
        with session_scope(self.sessions) as session:
            contact = store.find_member(session, name.strip(), normalize_id_number(id_number))
            record_audit(session, who=who, role=ROLE, action="member.lookup",
                         member_ref=contact.member_ref if contact else None,
                         reason="chat identity verification: name and ID number",
                         detail={"matched": contact is not None})
        if contact is None:
            raise IdentityMismatch("name and ID number do not match a member")
        if not contact.phone:
            raise NoPhoneOnFile("no phone number on file")
        salt = codes.new_salt()
        with session_scope(self.sessions) as session:
            store.add_challenge(session, VerificationChallenge(
                nonce=claims.nonce, identity_hash=claims.identity.digest(self.secret_key),
                member_ref=contact.member_ref, code_hash=codes.hash_code(self.secret_key, salt, code),
                code_salt=salt, phone_masked=mask_phone(contact.phone), created_at=now,
                expires_at=now + timedelta(seconds=self.limits.code_ttl_s),
            ))
        self.gateway.send(contact.phone, CODE_TEXT.format(code=code, minutes=self.limits.code_ttl_s // 60))
        return CodeSent(mask_phone(contact.phone), self.limits.code_ttl_s)

    def pending_phone(self, token: str) -> str | None:
        """The masked phone of the link's pending code (for the code form), or None."""
        claims = self.open_link(token)
        with session_scope(self.sessions) as session:
            challenge = store.pending_challenge(session, claims.nonce, claims.identity.digest(self.secret_key))
            return challenge.phone_masked if challenge else None

    def submit_code(self, token: str, code: str) -> str:
        """Check the code; on success bind the chat identity and return the member_ref.

        Raises:
            AttemptsExhausted, NoPendingCode, CodeExpired, CodeMismatch, and the link errors.
        """
        claims = self.open_link(token)
        identity_hash = claims.identity.digest(self.secret_key)
        who = claims.identity.audit_name(self.secret_key)
        now = self.clock()
        with session_scope(self.sessions) as session:
            self._refuse_when_exhausted(session, identity_hash, now)
            challenge = store.pending_challenge(session, claims.nonce, identity_hash)
            if challenge is None:
                raise NoPendingCode("no code is pending for this link")
            if challenge.expires_at <= now:
                raise CodeExpired("the code has expired")
            if codes.code_matches(self.secret_key, challenge.code_salt, code, challenge.code_hash):
                challenge.used_at = now
                store.mark_link_used(session, claims.nonce, now)
                store.bind(session, claims.identity, challenge.member_ref, now)
                record_audit(session, who=who, role=ROLE, action="identity.bind", member_ref=challenge.member_ref,
                             reason="chat identity verified by SMS code",
                             detail={"channel": claims.identity.channel})
                return challenge.member_ref
        raise CodeMismatch(self._count_attempt(claims.identity, "code"))

    # bindings
    def bound_member(self, identity: ChatIdentity) -> str | None:
        """The member_ref ``identity`` is bound to, or None."""
        with session_scope(self.sessions) as session:
            return store.bound_member(session, identity)

    def require_binding(self, identity: ChatIdentity, member_ref: str) -> None:
        """Refuse unless ``identity`` is bound to exactly ``member_ref`` (a resident sees only their own record).

        Raises:
            NotBound: it is not.
        """
        if not member_ref or self.bound_member(identity) != member_ref:
            raise NotBound("the chat identity is not bound to this member")

    def unbind(self, identity: ChatIdentity) -> bool:
        """Remove the identity's binding (audited); True when there was one."""
        with session_scope(self.sessions) as session:
            member_ref = store.bound_member(session, identity)
            if member_ref is None:
                return False
            store.unbind(session, identity)
            record_audit(session, who=identity.audit_name(self.secret_key), role=ROLE, action="identity.unbind",
                         member_ref=member_ref, reason="the resident asked to remove the binding",
                         detail={"channel": identity.channel})
            return True

    # attempts
    def attempts_left(self, identity: ChatIdentity) -> int:
        """Attempts the identity has left in the current 24 hours."""
        now = self.clock()
        with session_scope(self.sessions) as session:
            used = store.attempts_since(session, identity.digest(self.secret_key), store.window_start(now, 24))
        return max(0, self.limits.attempts_per_day - used)

    def _refuse_when_exhausted(self, session: Session, identity_hash: str, now: datetime) -> int:
        used = store.attempts_since(session, identity_hash, store.window_start(now, 24))
        if used >= self.limits.attempts_per_day:
            raise AttemptsExhausted("no verification attempts left today")
        return used

    def _count_attempt(self, identity: ChatIdentity, kind: str) -> int:
        """Refuse when the limit is reached, else count one attempt (committed at once); attempts left."""
        identity_hash = identity.digest(self.secret_key)
        now = self.clock()
        with session_scope(self.sessions) as session:
            used = self._refuse_when_exhausted(session, identity_hash, now)
            store.add_attempt(session, identity_hash, kind, now)
        return self.limits.attempts_per_day - used - 1
