"""Knowledge-base import (knowledge/store/transfer.py) under 10,000 generated .csv and .xlsx files.

Rows start as the live entries' own export and are then edited the way spreadsheets get edited:
cells emptied or replaced, ids mistyped, questions cut, years as numbers, columns reordered or
missing, other encodings, damaged or foreign files. A refused file lists its problems (in Chinese)
and stores nothing; an accepted one stores every changed row as a version waiting for review, with
the row's title, questions and answer exactly as written.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

from knowledge.store.repository import open_version, published_entries, seed_from_files, to_entry
from knowledge.store.transfer import COLUMNS, ImportFileError, export_rows, import_file
from knowledge.store.workflow import Actor, save_draft
from storage.db import make_engine, make_sessionmaker, session_scope
from storage.migrate import upgrade
from tests.fuzz.support import fuzz, mostly, one_in

EDITOR, OTHER = Actor("fuzz-editor", "editor"), Actor("other-editor", "editor")
CELL = st.one_of(st.text(max_size=30), st.sampled_from(["", " ", "=1+1", "2024", "2024.0", "99", "abc-001",
                                                         "chronic_card_failure", "第一问\n第二问", "\u2028", "]]>"]))


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    """A migrated SQLite database seeded with the knowledge base; one entry held by another editor."""
    url = f"sqlite:///{tmp_path_factory.mktemp('kb') / 'kb.db'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        seed_from_files(session)
        held = published_entries(session)[0]
        save_draft(session, OTHER, held.__class__(**{**held.__dict__, "answer": held.answer + "（修订中）"}))
    return engine


@st.composite
def edited_row(draw: st.DrawFn, live: list[list[str]]) -> list[str]:
    """A live entry's row, a new entry without id, or a row of anything; with a cell or two edited."""
    row = list(live[draw(st.integers(0, len(live) - 1))])
    if draw(one_in(4)):
        row[0] = ""  # a new entry: the import numbers it
    for _ in range(draw(st.integers(0, 2))):
        index = draw(st.integers(0, len(row) - 1))
        column = COLUMNS[index]
        if column == "questions":
            questions = row[index].split("\n")
            row[index] = "\n".join(questions[: draw(st.integers(0, len(questions)))] + [draw(CELL)])
        elif column == "effective" and draw(st.booleans()):
            row[index] = draw(st.integers(1800, 2200) | st.floats(1900, 2100))  # Excel keeps years as numbers
        else:
            row[index] = draw(CELL)
    if draw(one_in(20)):
        row = draw(st.lists(CELL, max_size=13))
    return row


@st.composite
def spreadsheets(draw: st.DrawFn, live: list[list[str]]) -> tuple[str, bytes]:
    """(kind, file) of an upload."""
    header = list(COLUMNS)
    if draw(one_in(10)):
        header = draw(st.permutations(header))
    if draw(one_in(15)):
        header.pop(draw(st.integers(0, len(header) - 1)))
    if draw(one_in(10)):
        header = [name.upper() if draw(st.booleans()) else f" {name} " for name in header]
    rows = [[_cell(row, name) for name in header] for row in draw(st.lists(edited_row(live), min_size=draw(mostly(st.just(1), st.just(0), odds=20)), max_size=4))]
    if draw(one_in(10)):
        rows.append([""] * len(header))
    kind = draw(st.sampled_from(["csv", "xlsx"]))
    data = _csv([header, *rows], draw(mostly(st.sampled_from(["utf-8-sig", "utf-8"]), st.just("gbk")))) \
        if kind == "csv" else _xlsx([header, *rows])
    if draw(one_in(20)):
        data = draw(st.sampled_from([data[: len(data) // 2], b"", b"PK\x03\x04" + data[4:], _xlsx([header, *rows])]))
    if draw(one_in(30)):
        data = draw(st.binary(max_size=100))
    return kind, data


def _cell(row: list, name: str) -> object:
    """The value of column ``name`` (as the header spells it) in a row laid out like COLUMNS."""
    name = name.strip().lower()
    index = COLUMNS.index(name) if name in COLUMNS else len(row)
    return row[index] if index < len(row) else ""


def _csv(rows: list[list], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, "replace")


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:  # openpyxl refuses control characters, as Excel does
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _counts(session: Session, tables: list[str]) -> tuple[int, ...]:
    columns = ", ".join(f"(SELECT count(*) FROM {table})" for table in tables)
    return tuple(session.execute(text(f"SELECT {columns}")).one())


def _uploaded_cells(data: bytes, kind: str) -> tuple[set[str], set[str]]:
    """Every cell of the file as written (stripped), and every line of every cell."""
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    cells = {cell.strip() for row in rows for cell in row}
    return cells, {line.strip() for cell in cells for line in cell.splitlines()}


def _check_stored(content: str, cells: set[str], lines: set[str]) -> None:
    """Nothing lost or changed: the stored title, answer and questions are cells of the upload."""
    entry = to_entry(content)
    assert entry.title in cells and entry.answer in cells, entry.id
    assert all(question in lines for question in entry.questions), entry.id


def test_kb_import_stores_every_row_as_written_or_refuses_the_file(engine):
    sessions = make_sessionmaker(engine)
    tables = sorted(inspect(engine).get_table_names())
    with sessions() as session:
        live = [row for row in export_rows(published_entries(session))][1:]
    outcomes = {"imported": 0, "refused": 0}

    def check(example: tuple[str, bytes]) -> None:
        kind, data = example
        with sessions() as session:
            before = _counts(session, tables)
            try:
                summary = import_file(session, data, kind, EDITOR)
            except ImportFileError as exc:
                outcomes["refused"] += 1
                assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
                assert _counts(session, tables) == before, "a refused file changed the database"
                session.rollback()
                return
            outcomes["imported"] += 1
            cells, lines = _uploaded_cells(data, kind)
            for entry_id in (*summary.created, *summary.changed):
                version = open_version(session, entry_id)
                assert version is not None and version.author == EDITOR.name, entry_id
                _check_stored(version.content, cells, lines)
            session.rollback()

    count = fuzz(spreadsheets(live), check)
    print(f"kb import: {count} files, {outcomes}")
    assert outcomes["imported"] and outcomes["refused"], outcomes
