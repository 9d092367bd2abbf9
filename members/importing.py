"""Import member records, facilities and catalogue entries from JSON Lines files.

One object per line: a member as in the §9 scenario files' ``member``, a facility as in their
``context.facility``, a catalogue entry as in their ``context.item``. The whole file is checked
first; a file with any bad line raises :class:`ImportFileError` and imports nothing. Existing
entries with the same key (``member_id``, facility ``id``, item ``code``) are replaced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from tqdm import tqdm

from members.errors import ImportFileError
from members.parse import ParseError, parse
from members.record import MemberRecord
from members.registry import CatalogItem, Facility
from members.store import upsert_catalog_item, upsert_facility, upsert_member
from storage.audit import record_audit

T = TypeVar("T")

_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
_PHONE = re.compile(r"1[0-9]{10}")


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote."""

    kind: str
    count: int


def check_member(record: MemberRecord) -> list[str]:
    """Problems a well-typed member record can still have (identifier formats)."""
    problems = []
    if not _ID_NUMBER.fullmatch(record.id_number):
        problems.append("id_number: not 17 digits followed by a digit or X")
    if record.phone is not None and not _PHONE.fullmatch(record.phone):
        problems.append("phone: not an 11-digit mobile number")
    return problems


def parse_lines(
    lines: Iterable[str],
    cls: type[T],
    key: Callable[[T], str],
    extra_check: Callable[[T], list[str]] | None = None,
    progress: bool = False,
) -> list[T]:
    """Parse JSON Lines into ``cls`` objects, or raise listing every bad line.

    Raises:
        ImportFileError: one message per problem, ``"line N: path: problem"``.
    """
    items: list[T] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(tqdm(lines, desc="checking", unit=" lines", disable=not progress), 1):
        if not line.strip():
            continue
        try:
            data: Any = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: not valid JSON ({exc.msg})")
            continue
        except RecursionError:  # json.loads recurses once per nesting level
            errors.append(f"line {number}: not valid JSON (nested too deeply)")
            continue
        try:
            item = parse(cls, data)
        except ParseError as exc:
            errors.extend(f"line {number}: {problem}" for problem in exc.errors)
            continue
        problems = extra_check(item) if extra_check else []
        errors.extend(f"line {number}: {problem}" for problem in problems)
        identifier = key(item)
        if identifier in seen:
            errors.append(f"line {number}: {identifier!r} is already on line {seen[identifier]}")
        seen[identifier] = number
        items.append(item)
    if errors:
        raise ImportFileError(errors)
    return items


def _read(path: Path) -> list[str]:
    """The file's lines, split at "\\n" only: U+2028 or NEL inside a JSON string does not end a line.

    Raises:
        ImportFileError: the file is not UTF-8 text.
    """
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError([f"line {line}: not UTF-8 text (byte {exc.start})"]) from exc


def import_members(
    session: Session, path: Path, *, who: str, role: str, progress: bool = False
) -> ImportSummary:
    """Check and import a file of member records into ``session`` (caller commits)."""
    records = parse_lines(_read(path), MemberRecord, lambda r: r.member_id, check_member, progress)
    for record in tqdm(records, desc="importing", unit=" members", disable=not progress):
        upsert_member(session, record)
    record_audit(session, who=who, role=role, action="members.import", reason="import member records",
                 detail={"file": Path(path).name, "count": len(records)})
    return ImportSummary("members", len(records))


def import_facilities(
    session: Session, path: Path, *, who: str, role: str, progress: bool = False
) -> ImportSummary:
    """Check and import a file of facility registry entries into ``session``."""
    facilities = parse_lines(_read(path), Facility, lambda f: f.id, progress=progress)
    for facility in facilities:
        upsert_facility(session, facility)
    record_audit(session, who=who, role=role, action="facilities.import", reason="import facility registry",
                 detail={"file": Path(path).name, "count": len(facilities)})
    return ImportSummary("facilities", len(facilities))


def import_catalog(
    session: Session, path: Path, *, who: str, role: str, progress: bool = False
) -> ImportSummary:
    """Check and import a file of catalogue entries into ``session``."""
    items = parse_lines(_read(path), CatalogItem, lambda i: i.code, progress=progress)
    for item in items:
        upsert_catalog_item(session, item)
    record_audit(session, who=who, role=role, action="catalog.import", reason="import catalogue",
                 detail={"file": Path(path).name, "count": len(items)})
    return ImportSummary("catalogue entries", len(items))
