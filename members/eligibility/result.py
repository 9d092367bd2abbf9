"""The outcome of an eligibility check (§1 output) and its JSON form."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from members.eligibility.checks import Citation, Finding, Unknown
from members.enums import Verdict


@dataclass(frozen=True)
class Result:
    """Verdict, primary and secondary reasons, masked facts, next steps, citations, handoff.

    ``reason_code`` is None only when no rule hit but a field needed to decide is unknown
    (verdict NEEDS_HUMAN_REVIEW); ``unknowns`` then says what to check where.
    """

    verdict: Verdict
    reason_code: str | None
    secondary_reason_codes: tuple[str, ...]
    facts_for_reply: dict[str, Any]
    next_steps: tuple[str, ...]
    citations: tuple[Citation, ...]
    handoff: bool
    unknowns: tuple[Unknown, ...] = ()
    findings: tuple[Finding, ...] = ()
    emergency_exception: str | None = None

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """The primary and secondary codes together, in §4 order."""
        return ((self.reason_code,) if self.reason_code else ()) + self.secondary_reason_codes

    def to_dict(self) -> dict[str, Any]:
        """The §1 output as JSON-ready data (plus unknowns and citations)."""
        return {
            "verdict": self.verdict.value,
            "reason_code": self.reason_code,
            "secondary_reason_codes": list(self.secondary_reason_codes),
            "facts_for_reply": self.facts_for_reply,
            "next_steps": list(self.next_steps),
            "citations": [asdict(c) for c in self.citations],
            "handoff": self.handoff,
            "unknowns": [{"field": u.field, "decisive": u.decisive} for u in self.unknowns],
        }
