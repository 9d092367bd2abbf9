"""The verification store on PostgreSQL, in a schema of its own that is dropped afterwards.

Skipped when the server is unreachable, except under CI=true, where it must be there.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.db import make_engine, make_sessionmaker, session_scope
from storage.migrate import upgrade
from tests.unit.verification.conftest import ID_NUMBER, KEY, NAME, PHONE_MASKED, Clock, load_demo
from verification.errors import AttemptsExhausted, CodeMismatch, IdentityMismatch, LinkUsed, NotBound
from verification.flow import Verifier
from verification.identity import ChatIdentity
from verification.sms import OutboxGateway, code_in, latest_outbox

pytestmark = pytest.mark.postgres




def test_verification_flow_on_postgres(pg_url: str) -> None:
    upgrade(pg_url)
    engine = make_engine(pg_url)
    try:
        sessions = make_sessionmaker(engine)
        load_demo(sessions)
        clock = Clock()
        verifier = Verifier(sessions, KEY, OutboxGateway(sessions), clock=clock)
        identity = ChatIdentity("pg-sender", "rest")
        token = verifier.new_link_token(identity)
        with pytest.raises(IdentityMismatch):
            verifier.submit_identity(token, NAME, "990102195203051133")
        verifier.submit_identity(token, NAME, ID_NUMBER)
        with session_scope(sessions) as session:
            code = code_in(latest_outbox(session, PHONE_MASKED, limit=1)[0].text)
        with pytest.raises(CodeMismatch):
            verifier.submit_code(token, f"{(int(code) + 1) % 1_000_000:06d}")  # the 3rd attempt
        member_ref = verifier.submit_code(token, code)
        verifier.require_binding(identity, member_ref)
        with pytest.raises(LinkUsed):
            verifier.open_link(token)
        assert verifier.attempts_left(identity) == 2
        again = verifier.new_link_token(identity)
        verifier.submit_identity(again, NAME, ID_NUMBER)  # the 4th; verifying again replaces the binding
        with session_scope(sessions) as session:
            code = code_in(latest_outbox(session, PHONE_MASKED, limit=1)[0].text)
        assert verifier.submit_code(again, code) == member_ref
        verifier.unbind(identity)
        with pytest.raises(NotBound):
            verifier.require_binding(identity, member_ref)
        with pytest.raises(IdentityMismatch):  # the 5th attempt today
            verifier.submit_identity(verifier.new_link_token(identity), "李四", "990101199001011111")
        with pytest.raises(AttemptsExhausted):  # the 6th
            verifier.submit_identity(verifier.new_link_token(identity), NAME, ID_NUMBER)
        assert session_schema(sessions).startswith("test_")
    finally:
        engine.dispose()


def session_schema(sessions) -> str:
    with session_scope(sessions) as session:
        return session.execute(text("SELECT current_schema()")).scalar()
