"""A migrated SQLite database with the demo members, and a Verifier with a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from members.importing import import_catalog, import_facilities, import_members
from storage.db import make_engine, make_sessionmaker, session_scope
from storage.migrate import upgrade
from verification.flow import Limits, Verifier
from verification.identity import ChatIdentity
from verification.sms import OutboxGateway

DEMO = Path(__file__).resolve().parents[3] / "members" / "demo"
KEY = "test-secret-key"
#: JY-E-1501 in members/demo/members.jsonl (synthetic).
NAME, ID_NUMBER, PHONE_MASKED = "张德厚", "990102195203051132", "199****0039"


def load_demo(sessions: sessionmaker[Session]) -> None:
    """Import the demo facilities, catalogue and members."""
    audit = {"who": "test", "role": "test"}
    with session_scope(sessions) as session:
        import_facilities(session, DEMO / "facilities.jsonl", **audit)
        import_catalog(session, DEMO / "catalog.jsonl", **audit)
        import_members(session, DEMO / "members.jsonl", **audit)


class Clock:
    """A settable clock for the Verifier (naive UTC)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 8, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path / 'verify.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    load_demo(factory)
    yield factory
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(sessions, clock) -> Verifier:
    return Verifier(sessions, KEY, OutboxGateway(sessions), Limits(), clock)


@pytest.fixture
def identity() -> ChatIdentity:
    return ChatIdentity("wx-openid-abc", "rest")
