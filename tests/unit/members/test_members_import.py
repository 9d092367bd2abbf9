"""Import validation (a bad line imports nothing, with per-line errors) and re-import upserts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from members import models as m
from members.errors import ImportFileError
from members.importing import import_catalog, import_facilities, import_members
from members.store import load_record, member_ref_for
from storage.audit import AuditEntry
from storage.db import session_scope

AUDIT = {"who": "test", "role": "test"}
MEMBER = {
    "member_id": "T-1",
    "name": "王小明",
    "id_number": "990101198503121013",
    "gender": "M",
    "insured_region": {"code": "990100", "name": "示例市"},
    "scheme": "resident",
    "enrollment": {"status": "active"},
    "contribution": {"paid_through": "2025-12-31"},
    "chronic_certs": [{"disease_code": "I10", "status": "approved", "designated_facility_ids": ["F-1"]}],
    "sanctions": [{"type": "settlement_suspended", "start": "2025-01-01"}],
}


def write(path: Path, *objects: dict | str) -> Path:
    lines = [o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objects]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count(engine, table) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(table))


def test_bad_line_imports_nothing_and_names_the_line(engine, tmp_path: Path) -> None:
    bad = {**MEMBER, "member_id": "T-2", "contribution": {"paid_through": "2025-13-01"}}
    path = write(tmp_path / "m.jsonl", MEMBER, bad, "{not json", {**MEMBER, "member_id": "T-4", "gender": "X"})
    with pytest.raises(ImportFileError) as caught, session_scope(engine) as session:
        import_members(session, path, **AUDIT)
    assert caught.value.errors == [
        "line 2: contribution.paid_through: not a date ('2025-13-01')",
        "line 3: not valid JSON (Expecting property name enclosed in double quotes)",
        "line 4: gender: 'X' is not one of M, F",
    ]
    assert count(engine, m.Member) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id_number": "12345"}, "line 1: id_number: not 17 digits followed by a digit or X"),
        ({"phone": "1234"}, "line 1: phone: not an 11-digit mobile number"),
        ({"favourite": 1}, "line 1: favourite: unknown field"),
        ({"name": None}, "line 1: name: required"),
        ({"chronic_certs": [{"disease_code": "I10"}]}, "line 1: chronic_certs[0].status: required"),
    ],
)
def test_field_errors(engine, tmp_path: Path, change: dict, message: str) -> None:
    path = write(tmp_path / "m.jsonl", {**MEMBER, **change})
    with pytest.raises(ImportFileError) as caught, session_scope(engine) as session:
        import_members(session, path, **AUDIT)
    assert message in caught.value.errors


def test_duplicate_member_id_in_one_file(engine, tmp_path: Path) -> None:
    path = write(tmp_path / "m.jsonl", MEMBER, MEMBER)
    with pytest.raises(ImportFileError) as caught, session_scope(engine) as session:
        import_members(session, path, **AUDIT)
    assert caught.value.errors == ["line 2: 'T-1' is already on line 1"]


def test_reimport_upserts_by_member_id(engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        import_members(session, write(tmp_path / "a.jsonl", MEMBER), **AUDIT)
    with session_scope(engine) as session:
        ref = member_ref_for(session, "T-1")
    changed = {**MEMBER, "contribution": {"paid_through": "2026-12-31"}, "sanctions": [],
               "chronic_certs": [{"disease_code": "E11", "status": "pending"}]}
    with session_scope(engine) as session:
        import_members(session, write(tmp_path / "b.jsonl", changed), **AUDIT)
    with session_scope(engine) as session:
        assert member_ref_for(session, "T-1") == ref  # the opaque reference survives re-import
        record = load_record(session, ref, who="test", role="test", reason="assert")
    assert str(record.contribution.paid_through) == "2026-12-31"
    assert record.sanctions == ()
    assert [c.disease_code for c in record.chronic_certs] == ["E11"]
    assert count(engine, m.Member) == 1
    assert count(engine, m.ChronicCertRow) == 1


def test_round_trip_keeps_the_record(engine, tmp_path: Path) -> None:
    from members.parse import parse
    from members.record import MemberRecord

    with session_scope(engine) as session:
        import_members(session, write(tmp_path / "a.jsonl", MEMBER), **AUDIT)
        ref = member_ref_for(session, "T-1")
        loaded = load_record(session, ref, who="test", role="test", reason="assert")
    assert loaded == parse(MemberRecord, MEMBER)


def test_member_ref_is_not_derived_from_the_id(engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        import_members(session, write(tmp_path / "a.jsonl", MEMBER), **AUDIT)
        ref = member_ref_for(session, "T-1")
    assert MEMBER["id_number"][-4:] not in ref and len(ref) >= 20


def test_reads_and_imports_are_audited_without_identifiers(engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        import_members(session, write(tmp_path / "a.jsonl", MEMBER), **AUDIT)
        ref = member_ref_for(session, "T-1")
        load_record(session, ref, who="agent-7", role="agent", reason="resident asked about a bill")
    with session_scope(engine) as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [r.action for r in rows] == ["members.import", "member.read"]
    assert rows[1].member_ref == ref and rows[1].who == "agent-7"
    dumped = repr([(r.reason, r.detail) for r in rows])
    assert MEMBER["id_number"] not in dumped and MEMBER["name"] not in dumped


def test_facilities_and_catalog_upsert(engine, tmp_path: Path) -> None:
    facility = {"id": "F-1", "name": "药房", "type": "药店", "designated_for": ["药店"], "agreement_status": "active"}
    item = {"item_code": "D-1", "name": "降压药", "category": "甲类", "unit_price": 10}
    with session_scope(engine) as session:
        import_facilities(session, write(tmp_path / "f.jsonl", facility), **AUDIT)
        import_catalog(session, write(tmp_path / "c.jsonl", item), **AUDIT)
    with session_scope(engine) as session:
        import_facilities(session, write(tmp_path / "f2.jsonl", {**facility, "agreement_status": "suspended"}),
                          **AUDIT)
    with session_scope(engine) as session:
        row = session.get(m.FacilityRow, "F-1")
        assert row.agreement_status == "suspended" and row.type == "pharmacy"
        assert session.get(m.CatalogItemRow, "D-1").catalog_category == "A"
    bad = write(tmp_path / "f3.jsonl", {**facility, "designated_for": ["牙科"]})
    with pytest.raises(ImportFileError) as caught, session_scope(engine) as session:
        import_facilities(session, bad, **AUDIT)
    assert caught.value.errors[0].startswith("line 1: designated_for[0]: '牙科' is not one of")
