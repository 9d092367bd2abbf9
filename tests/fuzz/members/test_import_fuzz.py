"""Member, facility and catalogue import (members/importing.py) under 10,000 generated files each.

A file of valid lines imports, and every record reads back exactly as written; a file with a bad
line raises ImportFileError naming the line, and the database is as it was. Nothing else may be
raised: no crash, whatever the bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from members import models as m
from members.errors import ImportFileError
from members.importing import import_catalog, import_facilities, import_members
from members.parse import parse
from members.record import MemberRecord
from members.registry import CatalogItem, Facility
from members.store import get_catalog_item, get_facility, load_record, member_ref_for
from storage.db import make_engine, make_sessionmaker
from storage.migrate import upgrade
from tests.fuzz.members.records import import_file
from tests.fuzz.support import fuzz
from tests.unit.verification.conftest import load_demo

AUDIT = {"who": "fuzz", "role": "test"}
_LINE = re.compile(r"^line ([0-9]+): ")


def _read_member(session: Session, member_id: str) -> MemberRecord:
    return load_record(session, member_ref_for(session, member_id), reason="fuzz", **AUDIT)


#: kind → (import function, dataclass, key field, reader of the stored object, table of existing keys)
KINDS: dict[str, tuple[Callable, type, str, Callable, type]] = {
    "members": (import_members, MemberRecord, "member_id", _read_member, m.Member),
    "facilities": (import_facilities, Facility, "id", get_facility, m.FacilityRow),
    "catalog": (import_catalog, CatalogItem, "code", get_catalog_item, m.CatalogItemRow),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    """A migrated SQLite database holding the demo members, facilities and catalogue."""
    url = f"sqlite:///{tmp_path_factory.mktemp('import') / 'members.db'}"
    upgrade(url)
    engine = make_engine(url)
    load_demo(make_sessionmaker(engine))
    return engine


def _counts(session: Session, tables: list[str]) -> tuple[int, ...]:
    columns = ", ".join(f"(SELECT count(*) FROM {table})" for table in tables)
    return tuple(session.execute(text(f"SELECT {columns}")).one())


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_import_accepts_valid_files_exactly_and_refuses_bad_ones_whole(engine, tmp_path, kind):
    run_import, cls, key, read_back, table = KINDS[kind]
    sessions = make_sessionmaker(engine)
    tables = sorted(inspect(engine).get_table_names())
    with sessions() as session:
        existing = sorted(session.scalars(select(getattr(table, key if kind != "members" else "member_id"))))
    path = tmp_path / f"{kind}.jsonl"
    outcomes = {"imported": 0, "refused": 0}

    def check(example: tuple[bytes, bool]) -> None:
        content, intact = example
        path.write_bytes(content)
        with sessions() as session:
            before = _counts(session, tables)
            try:
                summary = run_import(session, path, **AUDIT)
            except ImportFileError as exc:
                outcomes["refused"] += 1
                lines = content.split(b"\n")
                assert exc.errors, "a refusal must list problems"
                for problem in exc.errors:
                    match = _LINE.match(problem)
                    assert match and 1 <= int(match.group(1)) <= len(lines), problem
                    assert not intact or "is already on line" in problem, f"a valid line was refused: {problem}"
                assert _counts(session, tables) == before, "a refused file changed the database"
                session.rollback()
                return
            outcomes["imported"] += 1
            objects = [json.loads(line) for line in content.decode().split("\n") if line.strip()]
            assert summary.count == len(objects)
            for data in objects:  # read back in the import's own transaction, then rolled back
                assert read_back(session, data.get(key, data.get("item_code"))) == parse(cls, data), data
            session.rollback()

    count = fuzz(import_file(cls, key, existing), check)
    print(f"{kind} import: {count} files, {outcomes}")
    assert outcomes["imported"] and outcomes["refused"], outcomes
