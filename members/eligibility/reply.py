"""Render a check's result as the Chinese reply to the resident (§3.3).

Conclusion first; then the reasons from the member's own masked record; the next steps; the
policy the answer rests on, with region and year for regional rules; the date of the data.
"""

from __future__ import annotations

from members.eligibility.reasons import OK, OK_EMERGENCY_EXCEPTION, texts
from members.eligibility.result import Result
from members.eligibility.wording import code_text, fill, reason_text, unknown_text


def render_reply(result: Result) -> str:
    """The reply text for ``result``."""
    lines_text = texts()["lines"]
    facts = result.facts_for_reply
    lines = [fill(texts()["verdicts"][result.verdict.value], facts)]
    for index, finding in enumerate(result.findings):
        key = "reason" if index == 0 else "also"
        lines.append(lines_text[key].format(text=reason_text(finding, facts)))
    if result.emergency_exception:
        lines.append(code_text(OK_EMERGENCY_EXCEPTION, result.emergency_exception, facts)[0])
    elif result.reason_code == OK:
        lines.append(code_text(OK, "default", facts)[0])
    unknown = [unknown_text(u.field)[0] for u in result.unknowns if u.decisive]
    if unknown:
        key = "reason" if not result.findings else "also"
        lines.append(lines_text[key].format(text=lines_text["unknown"].format(label="、".join(unknown))))
    if result.next_steps:
        lines.append(lines_text["next_steps"])
        lines.extend(f"{n}. {step}" for n, step in enumerate(result.next_steps, 1))
    basis = _basis(result)
    if basis:
        lines.append(lines_text["basis"] + "；".join(basis) + "。")
    if "record_updated_at" in facts:
        lines.append(fill(lines_text["as_of"], facts))
    if result.handoff:
        lines.append(lines_text["handoff"])
    return "\n".join(lines)


def _basis(result: Result) -> list[str]:
    """Regional rules (region and year) first, then the general basis of each reason, once each."""
    lines_text = texts()["lines"]
    regional = [
        lines_text["basis_regional" if c.year else "basis_regional_undated"].format(
            region=c.region, year=c.year, reference=c.basis)
        for c in result.citations if c.region
    ]
    general = [c.basis for c in result.citations if not c.region]
    return list(dict.fromkeys([*regional, *general]))
