"""Knowledge-base entries: Markdown files with YAML front matter under knowledge/entries/<topic>/.

See knowledge/entries/FORMAT.md for the format. This module parses and validates them; it knows
nothing about indexes or search.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.topics import policy_topics

ENTRIES_DIR = Path(__file__).parent / "entries"
GENERAL_REGION = "通用"
STATUSES = ("draft", "published", "retired")
MIN_QUESTIONS = 5
#: What the shipped base must reach (issue 3): entries and the 31 policy topics (knowledge/topics.yml).
MIN_ENTRIES = 150
SCHEMES = ("职工医保", "城乡居民医保", "城镇居民医保", "新农合", "通用")
SEEDS = ("000", "001", "002", "003", "004")

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)
_ID = re.compile(r"^[a-z_]+-[0-9]{3,}$")
_REGION_CODE = re.compile(r"^[0-9]{6}$")
#: Administrative suffixes between place names ("湖北省咸宁市嘉鱼县" → 湖北, 咸宁, 嘉鱼).
_ADMIN_SUFFIX = re.compile(r"壮族自治区|维吾尔自治区|回族自治区|自治区|自治州|省|市|县|区")
#: How an answer says when its regional rule dates from: a year, a decade, or that the source gives none.
_DATED = re.compile(r"[12][0-9]{3}年|年代|年份")
#: Where an answer the seeds do not cover sends the resident instead of inventing a rule.
_POINTER = re.compile(r"参保地|12393|人工|经办")


class EntryError(ValueError):
    """An entry file that cannot be used, with the file and the problem."""


@dataclass(frozen=True)
class Entry:
    """One knowledge-base entry: an answer with its similar questions and its provenance."""

    id: str
    title: str
    topic: str
    answer: str
    questions: tuple[str, ...]
    region_code: str | None = None
    region_name: str = GENERAL_REGION
    scheme: str = "通用"
    effective: int | None = None
    source_seed: str | None = None
    source_section: str | None = None
    status: str = "published"
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_regional(self) -> bool:
        """True when the entry states one region's rule rather than a general one."""
        return self.region_name != GENERAL_REGION

    @property
    def citation(self) -> str:
        """Region and year as cited after the answer: "湖北省嘉鱼县，2012年" or "通用"."""
        parts = [self.region_name]
        if self.effective:
            parts.append(f"{self.effective}年")
        return "，".join(parts)

    def to_front_matter(self) -> dict:
        """The entry's metadata in file order, for writing it back."""
        return {
            "id": self.id,
            "title": self.title,
            "topic": self.topic,
            "region": {"code": self.region_code, "name": self.region_name},
            "scheme": self.scheme,
            "effective": self.effective,
            "source": {"seed": self.source_seed, "section": self.source_section},
            "status": self.status,
            "questions": list(self.questions),
        }

    def to_markdown(self) -> str:
        """Serialise the entry in the file format of FORMAT.md."""
        meta = yaml.safe_dump(self.to_front_matter(), allow_unicode=True, sort_keys=False)
        return f"---\n{meta}---\n{self.answer.strip()}\n"


def parse_entry(text: str, origin: str = "<text>") -> Entry:
    """Parse one entry file's text. Raises EntryError naming ``origin`` on any problem."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        raise EntryError(f"{origin}: no YAML front matter between '---' lines")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise EntryError(f"{origin}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise EntryError(f"{origin}: front matter must be a mapping")
    return entry_from_dict(meta, match.group(2), origin)


def entry_from_dict(meta: dict, answer: str, origin: str = "<entry>") -> Entry:
    """Build and validate an Entry from front-matter fields and the answer text."""
    missing = [key for key in ("id", "title", "topic", "questions") if not meta.get(key)]
    if missing:
        raise EntryError(f"{origin}: missing {', '.join(missing)}")
    entry_id = str(meta["id"])
    if not _ID.match(entry_id):
        raise EntryError(f"{origin}: id {entry_id!r} is not <topic>-<number>")
    questions = meta["questions"]
    if not isinstance(questions, list) or not all(isinstance(q, str) and q.strip() for q in questions):
        raise EntryError(f"{origin}: questions must be a list of non-empty strings")
    if len(questions) < MIN_QUESTIONS:
        raise EntryError(f"{origin}: needs at least {MIN_QUESTIONS} similar questions, has {len(questions)}")
    if not answer.strip():
        raise EntryError(f"{origin}: the answer is empty")
    region = meta.get("region") or {}
    if isinstance(region, str):
        region = {"code": None, "name": region}
    source = meta.get("source") or {}
    status = meta.get("status", "published")
    if status not in STATUSES:
        raise EntryError(f"{origin}: status {status!r} is not one of {', '.join(STATUSES)}")
    effective = meta.get("effective")
    if effective is not None:
        try:
            effective = int(str(effective)[:4])
        except ValueError as exc:
            raise EntryError(f"{origin}: effective {effective!r} is not a year") from exc
    code = region.get("code")
    return Entry(
        id=entry_id,
        title=str(meta["title"]).strip(),
        topic=str(meta["topic"]),
        answer=answer.strip(),
        questions=tuple(q.strip() for q in questions),
        region_code=str(code) if code not in (None, "") else None,
        region_name=str(region.get("name") or GENERAL_REGION),
        scheme=str(meta.get("scheme") or "通用"),
        effective=effective,
        source_seed=str(source["seed"]) if source.get("seed") is not None else None,
        source_section=source.get("section"),
        status=status,
    )


def load_entries(directory: Path = ENTRIES_DIR) -> list[Entry]:
    """Load every entry file under ``directory``, checking ids are unique and match file names."""
    entries: list[Entry] = []
    seen: dict[str, Path] = {}
    for path in sorted(directory.glob("*/*.md")):
        entry = parse_entry(path.read_text(encoding="utf-8"), str(path))
        if entry.id != path.stem:
            raise EntryError(f"{path}: id {entry.id!r} does not match the file name")
        if entry.topic != path.parent.name:
            raise EntryError(f"{path}: topic {entry.topic!r} does not match the folder")
        if entry.id in seen:
            raise EntryError(f"{path}: id {entry.id!r} already used by {seen[entry.id]}")
        seen[entry.id] = path
        entries.append(entry)
    return entries


def place_names(region_name: str) -> list[str]:
    """The names an answer may use for a region: "湖北省咸宁市嘉鱼县" → [湖北, 咸宁, 嘉鱼]; "某自治州" itself."""
    name = re.sub(r"（.*?）", "", region_name)
    places = [part for part in _ADMIN_SUFFIX.split(name) if len(part) >= 2 and not part.startswith("某")]
    return places or [name]


def entry_problems(entry: Entry) -> list[str]:
    """What keeps one entry from the base's content rules (FORMAT.md), each naming the entry."""
    problems = []
    if entry.topic not in policy_topics():
        problems.append(f"topic {entry.topic!r} is not one of the 31 policy topics")
    if entry.scheme not in SCHEMES:
        problems.append(f"scheme {entry.scheme!r} is not one of {', '.join(SCHEMES)}")
    if entry.region_code is not None and (not entry.is_regional or not _REGION_CODE.match(entry.region_code)):
        problems.append(f"region code {entry.region_code!r} needs a regional name and six digits")
    if entry.source_seed is not None and entry.source_seed not in SEEDS:
        problems.append(f"source seed {entry.source_seed!r} is not one of {', '.join(SEEDS)}")
    if not entry.source_section:
        problems.append("source section is missing")
    if entry.is_regional:
        if not any(place in entry.answer for place in place_names(entry.region_name)):
            problems.append(f"the answer does not name its region {entry.region_name}")
        if entry.effective is not None and str(entry.effective) not in entry.answer:
            problems.append(f"the answer does not name its year {entry.effective}")
        if entry.effective is None and re.search(r"[0-9]", entry.answer) and not _DATED.search(entry.answer):
            problems.append("the answer gives a regional figure without its year (or saying the source has none)")
    if entry.source_seed is None and not _POINTER.search(entry.answer):
        problems.append("not covered by the seeds, yet the answer points to neither 参保地, 12393 nor an agent")
    return [f"{entry.id}: {problem}" for problem in problems]


def base_problems(entries: Iterable[Entry]) -> list[str]:
    """What keeps a base from issue 3's bar: every entry's problems, too few entries, uncovered topics."""
    live = published(entries)
    problems = [problem for entry in live for problem in entry_problems(entry)]
    if len(live) < MIN_ENTRIES:
        problems.append(f"{len(live)} published entries; at least {MIN_ENTRIES} are needed")
    covered = {entry.topic for entry in live}
    missing = [topic for topic in policy_topics() if topic not in covered]
    if missing:
        problems.append(f"no published entry for the topics {', '.join(missing)}")
    return problems


def published(entries: Iterable[Entry]) -> list[Entry]:
    """The entries residents may be answered from."""
    return [entry for entry in entries if entry.status == "published"]
