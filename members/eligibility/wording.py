"""Fill the Chinese wording of texts.yaml with a member's facts (dates as 2024年3月31日).

A placeholder whose fact the record does not show becomes "系统未显示" rather than a guess.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from members.eligibility.checks import Finding
from members.eligibility.reasons import reason, texts

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}).*)?")


def display(value: Any) -> str:
    """A fact as it reads in a reply."""
    if value is None:
        return texts()["lines"]["not_shown"]
    if isinstance(value, datetime):
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and (match := _ISO_DATE.fullmatch(value)):
        day = f"{int(match[1])}年{int(match[2])}月{int(match[3])}日"
        return f"{day} {match[4]}" if match[4] else day
    return str(value)


class _Facts(dict):
    def __missing__(self, key: str) -> str:
        return texts()["lines"]["not_shown"]


def fill(template: str, facts: dict[str, Any]) -> str:
    """``template`` with ``{name}`` replaced by the displayed fact."""
    return template.format_map(_Facts({key: display(value) for key, value in facts.items()}))


def _variant(code: str, variant: str) -> dict[str, Any]:
    return reason(code).variants[variant]


def reason_text(finding: Finding, facts: dict[str, Any]) -> str:
    """What to tell the resident about one finding."""
    return fill(_variant(finding.code, finding.variant)["reply"], {**facts, **finding.facts})


def finding_steps(finding: Finding, facts: dict[str, Any]) -> list[str]:
    """The next steps the texts give for one finding."""
    steps = _variant(finding.code, finding.variant).get("next_steps", [])
    return [fill(step, {**facts, **finding.facts}) for step in steps]


def code_text(code: str, variant: str, facts: dict[str, Any]) -> tuple[str, list[str]]:
    """Reply text and next steps of a code that is not a finding (OK, OK_EMERGENCY_EXCEPTION)."""
    spec = _variant(code, variant)
    return fill(spec["reply"], facts), [fill(s, facts) for s in spec.get("next_steps", [])]


def unknown_text(field: str) -> tuple[str, str]:
    """(what the field is, where the resident can check it) for an unknown field."""
    known = texts()["unknown_fields"]
    spec = known.get(field) or known["default"]
    return spec["label"], spec["where"]
