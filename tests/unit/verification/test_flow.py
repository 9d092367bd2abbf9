"""The verification steps: name + ID number, code, binding; limits, expiry, one-time links, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.audit import AuditEntry
from storage.db import session_scope
from tests.unit.verification.conftest import ID_NUMBER, NAME, PHONE_MASKED
from verification.errors import (
    AttemptsExhausted,
    CodeExpired,
    CodeMismatch,
    IdentityMismatch,
    LinkUsed,
    NoPendingCode,
    NotBound,
)
from verification.identity import ChatIdentity
from verification.models import IdentityBinding, VerificationChallenge
from verification.sms import code_in, latest_outbox


def sent_code(sessions) -> str:
    with session_scope(sessions) as session:
        return code_in(latest_outbox(session, PHONE_MASKED, limit=1)[0].text)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_name_id_and_code_bind_the_chat_to_the_member(verifier, identity, sessions):
    token = verifier.new_link_token(identity)
    sent = verifier.submit_identity(token, f" {NAME} ", ID_NUMBER.lower())
    assert sent.phone_masked == PHONE_MASKED and sent.expires_in_s == 300
    assert verifier.pending_phone(token) == PHONE_MASKED
    member_ref = verifier.submit_code(token, sent_code(sessions))
    assert verifier.bound_member(identity) == member_ref
    verifier.require_binding(identity, member_ref)
    with session_scope(sessions) as session:
        binding = session.scalar(select(IdentityBinding))
        assert (binding.sender, binding.channel, binding.member_ref) == (identity.sender, "rest", member_ref)


def test_a_link_works_once(verifier, identity, sessions):
    token = verifier.new_link_token(identity)
    verifier.submit_identity(token, NAME, ID_NUMBER)
    verifier.submit_code(token, sent_code(sessions))
    with pytest.raises(LinkUsed):
        verifier.open_link(token)
    with pytest.raises(LinkUsed):
        verifier.submit_identity(token, NAME, ID_NUMBER)


@pytest.mark.parametrize(("name", "id_number"), [
    ("张德厚", "990102195203051133"),  # right name, wrong ID number
    ("张德原", ID_NUMBER),  # wrong name, right ID number
    ("李四", "990101199001011111"),  # nobody
])
def test_a_mismatch_says_nothing_about_which_part(verifier, identity, name, id_number):
    token = verifier.new_link_token(identity)
    with pytest.raises(IdentityMismatch) as caught:
        verifier.submit_identity(token, name, id_number)
    assert str(caught.value) == "name and ID number do not match a member"
    assert verifier.attempts_left(identity) == 4


def test_the_sixth_attempt_of_the_day_is_refused(verifier, identity, sessions, clock):
    token = verifier.new_link_token(identity)
    for _ in range(3):
        with pytest.raises(IdentityMismatch):
            verifier.submit_identity(token, NAME, "990102195203051133")
    verifier.submit_identity(token, NAME, ID_NUMBER)  # the 4th attempt: a code is sent
    code = sent_code(sessions)
    with pytest.raises(CodeMismatch) as caught:
        verifier.submit_code(token, wrong(code))  # the 5th
    assert caught.value.remaining == 0
    with pytest.raises(AttemptsExhausted):
        verifier.submit_code(token, code)  # the 6th, even with the right code
    with pytest.raises(AttemptsExhausted):
        verifier.submit_identity(verifier.new_link_token(identity), NAME, ID_NUMBER)
    other = ChatIdentity("someone-else", "rest")
    verifier.submit_identity(verifier.new_link_token(other), NAME, ID_NUMBER)  # counted per identity
    clock.advance(24 * 3600 + 1)
    assert verifier.attempts_left(identity) == 5


def test_a_wrong_code_counts_and_the_right_one_still_works(verifier, identity, sessions):
    token = verifier.new_link_token(identity)
    verifier.submit_identity(token, NAME, ID_NUMBER)
    code = sent_code(sessions)
    with pytest.raises(CodeMismatch) as caught:
        verifier.submit_code(token, wrong(code))
    assert caught.value.remaining == 3
    assert verifier.submit_code(token, code)


def test_a_code_expires_after_five_minutes(verifier, identity, sessions, clock):
    token = verifier.new_link_token(identity)
    verifier.submit_identity(token, NAME, ID_NUMBER)
    code = sent_code(sessions)
    clock.advance(301)
    with pytest.raises(CodeExpired):
        verifier.submit_code(token, code)
    verifier.submit_identity(token, NAME, ID_NUMBER)  # a new code for the same link
    assert verifier.submit_code(token, sent_code(sessions))


def test_a_code_needs_a_pending_challenge_of_the_same_identity(verifier, identity, sessions):
    token = verifier.new_link_token(identity)
    with pytest.raises(NoPendingCode):
        verifier.submit_code(token, "123456")
    assert verifier.pending_phone(token) is None


def test_codes_are_stored_hashed(verifier, identity, sessions):
    verifier.submit_identity(verifier.new_link_token(identity), NAME, ID_NUMBER)
    code = sent_code(sessions)
    with session_scope(sessions) as session:
        challenge = session.scalar(select(VerificationChallenge))
        assert code not in (challenge.code_hash, challenge.code_salt)
        assert challenge.phone_masked == PHONE_MASKED


def test_only_the_bound_member_is_accessible_and_unbinding_removes_it(verifier, identity, sessions):
    token = verifier.new_link_token(identity)
    verifier.submit_identity(token, NAME, ID_NUMBER)
    member_ref = verifier.submit_code(token, sent_code(sessions))
    with pytest.raises(NotBound):
        verifier.require_binding(identity, "someone-elses-ref")
    with pytest.raises(NotBound):
        verifier.require_binding(ChatIdentity(identity.sender, "wechat"), member_ref)
    assert verifier.unbind(identity) is True
    assert verifier.unbind(identity) is False
    with pytest.raises(NotBound):
        verifier.require_binding(identity, member_ref)


def test_every_record_access_is_audited_under_the_hashed_identity(verifier, identity, sessions):
    token = verifier.new_link_token(identity)
    with pytest.raises(IdentityMismatch):
        verifier.submit_identity(token, "李四", "990101199001011111")
    verifier.submit_identity(token, NAME, ID_NUMBER)
    member_ref = verifier.submit_code(token, sent_code(sessions))
    verifier.unbind(identity)
    with session_scope(sessions) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.role == "resident").order_by(AuditEntry.id)).all()
    assert [(r.action, r.member_ref) for r in rows] == [
        ("member.lookup", None), ("member.lookup", member_ref), ("identity.bind", member_ref),
        ("identity.unbind", member_ref),
    ]
    assert {r.who for r in rows} == {identity.audit_name("test-secret-key")}
    text = repr([(r.who, r.reason, r.detail) for r in rows])
    for secret in (identity.sender, NAME, ID_NUMBER, "19910000039"):
        assert secret not in text
