"""Import and check against PostgreSQL, in a schema of its own that is dropped afterwards.

Skipped when the server is unreachable, except under CI=true, where it must be there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from members.importing import import_catalog, import_facilities, import_members
from members.parse import parse
from members.service import CheckRequest, check_member
from members.store import member_ref_for
from storage.db import make_engine, session_scope
from storage.migrate import upgrade

pytestmark = pytest.mark.postgres

DEMO = Path(__file__).resolve().parents[3] / "members" / "demo"
AUDIT = {"who": "test", "role": "test"}



def test_import_and_check_on_postgres(pg_url: str) -> None:
    upgrade(pg_url)
    engine = make_engine(pg_url)
    try:
        with session_scope(engine) as session:
            assert session.execute(text("SELECT current_schema()")).scalar().startswith("test_")
            import_facilities(session, DEMO / "facilities.jsonl", **AUDIT)
            import_catalog(session, DEMO / "catalog.jsonl", **AUDIT)
            import_members(session, DEMO / "members.jsonl", **AUDIT)
        with session_scope(engine) as session:  # re-import upserts
            import_members(session, DEMO / "members.jsonl", **AUDIT)
        checks = [json.loads(line) for line in (DEMO / "checks.jsonl").read_text(encoding="utf-8").splitlines()]
        with session_scope(engine) as session:
            for case in checks:
                ref = member_ref_for(session, case["member_id"])
                result = check_member(session, ref, parse(CheckRequest, case["request"]), reason="pg test", **AUDIT)
                assert (result.verdict.value, result.reason_code) == (
                    case["expected_verdict"], case["expected_reason_code"]), case["title"]
            members = session.execute(text("SELECT count(*) FROM members")).scalar()
        assert members == len((DEMO / "members.jsonl").read_text(encoding="utf-8").splitlines())
    finally:
        engine.dispose()
