"""Bulk import and export of the knowledge base as Excel (.xlsx) or CSV, one entry per row.

An import is checked whole first: any bad row is reported by line and nothing is stored. Good rows
become versions waiting for review by another editor, exactly like an edit in the console.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from knowledge.entries import MIN_QUESTIONS, Entry, EntryError, entry_from_dict
from knowledge.store.models import KbEntry
from knowledge.store.repository import (
    get_version,
    next_entry_id,
    open_version,
    published_entries,
    to_content,
)
from knowledge.store.workflow import Actor, save_draft, submit
from storage.audit import record_audit

COLUMNS = ("id", "title", "topic", "region_code", "region_name", "scheme", "effective", "source_seed",
           "source_section", "questions", "answer")
REQUIRED = {"title": "标题", "topic": "话题", "questions": "相似问", "answer": "答案"}
FORMATS = ("xlsx", "csv")
MAX_ROWS = 5000
_TOPIC = re.compile(r"^[a-z_]+$")


class ImportFileError(ValueError):
    """A file that cannot be imported; ``errors`` lists every problem, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass(frozen=True)
class ImportSummary:
    created: list[str]
    changed: list[str]
    unchanged: list[str]


def export_rows(entries: list[Entry]) -> Iterator[list[str]]:
    """The header row, then one row per entry."""
    yield list(COLUMNS)
    for e in entries:
        yield [e.id, e.title, e.topic, e.region_code or "", e.region_name, e.scheme,
               str(e.effective or ""), e.source_seed or "", e.source_section or "", "\n".join(e.questions), e.answer]


def export_file(session: Session, kind: str) -> bytes:
    """The live entries as an .xlsx or .csv (UTF-8 with BOM, so Excel opens it correctly)."""
    rows = list(export_rows(published_entries(session)))
    if kind == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode("utf-8-sig")
    book = Workbook()
    sheet = book.active
    sheet.title = "entries"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(data: bytes, kind: str) -> list[list[str]]:
    """Cells of an uploaded .xlsx or .csv as text. Raises ImportFileError for an unreadable file."""
    try:
        if kind == "csv":
            return [row for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))]
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign upload: zipfile, XML and openpyxl raise many types
        raise ImportFileError([f"无法读取文件（{type(exc).__name__}），请上传 .xlsx 或 UTF-8 编码的 .csv"]) from exc


def entry_from_fields(values: dict[str, str], entry_id: str) -> Entry:
    """An Entry from text fields named like COLUMNS (questions one per line). Raises EntryError."""
    effective = values.get("effective", "").strip()
    return entry_from_dict(
        {"id": entry_id, "title": values["title"], "topic": values["topic"].strip(),
         "region": {"code": values.get("region_code", "").strip() or None,
                    "name": values.get("region_name", "").strip() or None},
         "scheme": values.get("scheme", "").strip() or None, "effective": effective or None,
         "source": {"seed": values.get("source_seed", "").strip() or None,
                    "section": values.get("source_section", "").strip() or None},
         "questions": [q.strip() for q in values["questions"].splitlines() if q.strip()]},
        values["answer"], "row")


def field_problems(values: dict[str, str]) -> list[str]:
    """Problems of one entry's fields (a spreadsheet row or the console's form), in Chinese, for editors."""
    problems = [f"缺少{label}（{name}）" for name, label in REQUIRED.items() if not values.get(name, "").strip()]
    topic = values.get("topic", "").strip()
    if topic and not _TOPIC.match(topic):
        problems.append(f"话题 {topic!r} 只能由小写字母和下划线组成")
    entry_id = values.get("id", "").strip()
    if entry_id and topic and not re.fullmatch(rf"{re.escape(topic)}-[0-9]{{3,}}", entry_id):
        problems.append(f"编号 {entry_id!r} 应为“{topic}-三位以上数字”")
    questions = [q for q in values.get("questions", "").splitlines() if q.strip()]
    if values.get("questions", "").strip() and len(questions) < MIN_QUESTIONS:
        problems.append(f"相似问至少 {MIN_QUESTIONS} 条（每行一条），现有 {len(questions)} 条")
    effective = values.get("effective", "").strip()
    if effective and not re.fullmatch(r"(19|20)[0-9]{2}(\.0)?", effective):
        problems.append(f"年份 {effective!r} 不是四位年份")
    return problems


def is_live_text(session: Session, entry: Entry) -> bool:
    """True when ``entry`` is exactly the live text of its id (re-importing an export changes nothing)."""
    row = session.get(KbEntry, entry.id)
    return bool(row is not None and row.live_version
                and get_version(session, entry.id, row.live_version).content == to_content(entry))


def parse_import(session: Session, data: bytes, kind: str, actor: Actor) -> list[tuple[int, Entry]]:
    """Every row of the file as an Entry with its line number. Raises ImportFileError listing all problems."""
    rows = read_rows(data, kind)
    if not rows:
        raise ImportFileError(["文件是空的"])
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in ("title", "topic", "questions", "answer") if name not in header]
    if missing:
        raise ImportFileError([f"第 1 行（表头）缺少列：{', '.join(missing)}；表头应为 {', '.join(COLUMNS)}"])
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFileError([f"一次最多导入 {MAX_ROWS} 行"])
    errors: list[str] = []
    parsed: list[tuple[int, Entry]] = []
    seen: dict[str, int] = {}
    new_ids: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        values = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}
        if not any(str(v).strip() for v in values.values()):
            continue
        problems = field_problems(values)
        entry_id = values.get("id", "").strip()
        if not problems and not entry_id:
            topic = values["topic"].strip()
            base = int(next_entry_id(session, topic).rsplit("-", 1)[1])
            entry_id = f"{topic}-{base + new_ids.get(topic, 0):03d}"
            new_ids[topic] = new_ids.get(topic, 0) + 1
        if entry_id in seen:
            problems.append(f"编号 {entry_id} 与第 {seen[entry_id]} 行重复")
        entry = None
        if not problems:
            try:
                entry = entry_from_fields(values, entry_id)
            except EntryError as exc:
                problems.append(str(exc).removeprefix("row: "))
        if entry is not None and not is_live_text(session, entry):
            held = open_version(session, entry_id)
            if held is not None and held.author != actor.name:
                problems.append(f"条目 {entry_id} 正由 {held.author} 编辑（版本 {held.number}），请等其完成")
        if entry is not None and not problems:
            parsed.append((line, entry))
        errors.extend(f"第 {line} 行：{problem}" for problem in problems)
        if entry_id:
            seen.setdefault(entry_id, line)
    if errors:
        raise ImportFileError(errors)
    if not parsed:
        raise ImportFileError(["文件里没有条目"])
    return parsed


def import_file(session: Session, data: bytes, kind: str, actor: Actor) -> ImportSummary:
    """Check the whole file, then store each row that differs from the live text as a version waiting for review.

    Raises:
        ImportFileError: with every problem by line; nothing is stored.
    """
    created, changed, unchanged = [], [], []
    for _line, entry in parse_import(session, data, kind, actor):
        if is_live_text(session, entry):
            unchanged.append(entry.id)
            continue
        (created if session.get(KbEntry, entry.id) is None else changed).append(entry.id)
        save_draft(session, actor, entry, note="批量导入")
        submit(session, actor, entry.id)
    record_audit(session, who=actor.name, role=actor.role, action="kb.import", reason="bulk import",
                 detail={"format": kind, "created": len(created), "changed": len(changed),
                         "unchanged": len(unchanged)})
    return ImportSummary(created, changed, unchanged)
