"""Read a resident's own words ("在嘉鱼某药店买降压药") as the parts of an eligibility check.

Pure functions over the member's record and the registry: where (pharmacy or hospital), which
facility of the member's region, which drug (catalogue names and the aliases in brackets, preferring
drugs for the member's certified diseases) or disease (the member's certifications), and whether it
was an emergency. "某药店" or "不知道" for the facility means "unknown", which is an answer too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from members.enums import FacilityType
from members.record import MemberRecord
from members.registry import CatalogItem, Facility

#: The value of a part the resident said they do not know.
UNKNOWN = "unknown"
PHARMACY, HOSPITAL = "pharmacy", "hospital"

#: Which part of the check a question asked for (the form's requested slot without its prefix).
PARTS = ("place", "facility", "subject", "emergency")

_PHARMACY_WORDS = ("药店", "药房", "药铺", "药行")
_HOSPITAL_WORDS = ("医院", "卫生院", "诊所", "卫生室", "卫生服务中心", "门诊部", "住院", "急诊")
_SOME_FACILITY = re.compile(r"(某|一)[家个所间]?(大)?(药店|药房|药铺|医院|卫生院|诊所|卫生室)")
_DONT_KNOW = ("不知道", "不记得", "记不清", "忘了", "不清楚", "不晓得", "随便", "说不上")
_NEGATION = re.compile(r"(不是|不在|没在|没去)$")
_EMERGENCY_WORDS = ("急诊", "抢救", "急救", "120", "昏迷", "晕倒", "车祸")
_NOT_EMERGENCY = re.compile(r"(不是|不算|没|没有|非)(急诊|抢救|急救)")
_NO_WORDS = ("不是", "没有", "不算", "否", "不急", "不用", "没")
_YES_WORDS = ("是", "对", "嗯", "有", "算")
_GENERIC_NAME_PARTS = ("连锁", "有限公司", "大药房", "药房", "药店", "卫生服务中心", "卫生院", "医院", "诊所", "卫生室",
                       "门诊部", "社区")
_DOSAGE_SUFFIXES = ("缓释片", "肠溶片", "片", "胶囊", "注射液", "注射剂", "颗粒", "检查")
_BRACKETS = re.compile(r"[（(]([^）)]*)[）)]")


@dataclass(frozen=True)
class Situation:
    """What the resident told so far; None means not said, :data:`UNKNOWN` means "don't know"."""

    place: str | None = None
    facility: str | None = None
    subject: str | None = None
    item: str | None = None
    disease: str | None = None
    emergency: bool | None = None
    inpatient: bool | None = None

    def to_dict(self) -> dict:
        """JSON-ready form (what the chat's slots hold: codes only)."""
        return asdict(self)


def mentions(text: str, word: str) -> bool:
    """True when ``text`` says ``word`` other than right after a negation ("不是药店")."""
    start = text.find(word)
    while start != -1:
        if not _NEGATION.search(text[:start]):
            return True
        start = text.find(word, start + 1)
    return False


def common_run(a: str, b: str) -> int:
    """Length of the longest run of characters ``a`` and ``b`` share."""
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    return best


def parse_place(text: str) -> str | None:
    """Pharmacy or hospital, from the words the resident used."""
    pharmacy = any(mentions(text, w) for w in _PHARMACY_WORDS)
    hospital = any(mentions(text, w) for w in _HOSPITAL_WORDS)
    if pharmacy != hospital:
        return PHARMACY if pharmacy else HOSPITAL
    return None


def _region_words(record: MemberRecord) -> list[str]:
    """Place names of the member's region as residents say them (湖北省咸宁市嘉鱼县 → 嘉鱼县, 嘉鱼, ...)."""
    name = record.insured_region.name or ""
    words = []
    for part in re.findall(r"[^省市县区州旗盟]+[省市县区州旗盟]", name):
        words += [part, part[:-1]]
    return sorted((w for w in words if len(w) >= 2), key=len, reverse=True)


def _core_name(name: str, region_words: Iterable[str]) -> str:
    """The distinctive part of a facility's name (or of the words naming it): no region or generic words."""
    for word in (*region_words, *_GENERIC_NAME_PARTS):
        name = name.replace(word, " ")
    return name


def _place_of(facility: Facility) -> str:
    return PHARMACY if facility.type == FacilityType.PHARMACY else HOSPITAL


def parse_facility(text: str, record: MemberRecord, facilities: Sequence[Facility], place: str | None,
                   asked: bool) -> str | None:
    """The facility of the member's region the resident named, :data:`UNKNOWN`, or None.

    A facility matches when the text, without region and generic words, shares at least two
    characters in a row with the distinctive part of its name; the best match must be unique. "某药店" (and, when asked, "不知道") mean unknown.
    """
    region_words = _region_words(record)
    rest = _core_name(text, region_words)
    scores: dict[str, int] = {}
    for facility in facilities:
        if place and _place_of(facility) != place:
            continue
        core = _core_name(facility.name, region_words)
        score = len(facility.name) + 1 if facility.name in text else common_run(core, rest)
        if score >= 2:
            scores[facility.id] = score
    if scores:
        best = max(scores.values())
        winners = [fid for fid, score in scores.items() if score == best]
        if len(winners) == 1:
            return winners[0]
    if _SOME_FACILITY.search(text) or (asked and any(w in text for w in _DONT_KNOW)):
        return UNKNOWN
    return None


def item_aliases(item: CatalogItem) -> list[str]:
    """Names a resident may use for a catalogue entry: the name, its bracketed aliases, shorter forms."""
    bracketed = [a.strip() for group in _BRACKETS.findall(item.name) for a in re.split("[、，,]", group)]
    bare = _BRACKETS.sub("", item.name).strip()
    names = [item.name, bare, *bracketed]
    for suffix in _DOSAGE_SUFFIXES:
        if bare.endswith(suffix) and len(bare) > len(suffix) + 1:
            names.append(bare[: -len(suffix)])
            break
    return [n for n in dict.fromkeys(names) if len(n) >= 2]


def _alias_score(alias: str, text: str) -> int:
    """How well ``text`` names ``alias``: its length + 1 when contained, else the longest shared run
    if that covers at least half of the alias ("氨氯地平" in "苯磺酸氨氯地平", "面霜" in "保湿面霜")."""
    if alias in text:
        return len(alias) + 1
    run = common_run(alias, text)
    return run if run >= 2 and 2 * run >= len(alias) else 0


def parse_item(text: str, record: MemberRecord, items: Sequence[CatalogItem]) -> str | None:
    """The catalogue entry the resident named, preferring drugs for the member's certified diseases."""
    certified = {cert.disease_code for cert in record.chronic_certs}
    best: tuple[int, bool, str] | None = None
    for item in items:
        score = max((_alias_score(alias, text) for alias in item_aliases(item)), default=0)
        if score == 0:
            continue
        matches_cert = bool(certified & set(item.chronic_disease_codes or ()))
        candidate = (score, matches_cert, item.code)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else None


def _disease_aliases(name: str) -> list[str]:
    """高血压 → [高血压]; 2型糖尿病 → [2型糖尿病, 糖尿病]."""
    short = re.sub(r"^[0-9一二]+型", "", name)
    return list(dict.fromkeys([name, short]))


def parse_disease(text: str, record: MemberRecord) -> str | None:
    """The code of the member's certified disease the resident named (高血压, 血压高 → I10)."""
    for cert in record.chronic_certs:
        if not cert.disease_name:
            continue
        for alias in _disease_aliases(cert.disease_name):
            if alias in text or common_run(alias, text) >= max(2, len(alias) - 1):
                return cert.disease_code
    return None


def parse_emergency(text: str, asked: bool) -> bool | None:
    """True for emergency words, False for "不是急诊"; when asked "是急诊吗", also a plain yes or no."""
    if asked:
        if any(text.startswith(w) or w in text for w in _NO_WORDS):
            return False
        if any(text.startswith(w) for w in _YES_WORDS) or any(w in text for w in _EMERGENCY_WORDS):
            return True
        return None
    if any(mentions(text, w) for w in _EMERGENCY_WORDS):
        return True
    return False if _NOT_EMERGENCY.search(text) else None


def parse_situation(text: str, record: MemberRecord, facilities: Sequence[Facility], items: Sequence[CatalogItem],
                    asked: str | None = None) -> Situation:
    """Everything ``text`` says about the check; ``asked`` is the part just asked for (see :data:`PARTS`)."""
    text = "".join(text.split())
    place = parse_place(text)
    facility = parse_facility(text, record, facilities, place, asked == "facility")
    if place is None and facility not in (None, UNKNOWN):
        place = next(_place_of(f) for f in facilities if f.id == facility)
    item = parse_item(text, record, items)
    disease = parse_disease(text, record)
    if disease is None and item is not None:
        certified = [c.disease_code for c in record.chronic_certs]
        codes = next(i.chronic_disease_codes or () for i in items if i.code == item)
        disease = next((code for code in codes if code in certified), None)
    subject = "item" if item else "disease" if disease else None
    if subject is None and asked == "subject" and any(w in text for w in _DONT_KNOW):
        subject = UNKNOWN
    inpatient = True if mentions(text, "住院") else None
    return Situation(place=place, facility=facility, subject=subject, item=item, disease=disease,
                     emergency=parse_emergency(text, asked == "emergency"), inpatient=inpatient)
