"""What the rule modules share: the collector they report hits and unknown fields to, and small helpers.

A rule module has one function ``check(c: Checks) -> None``. It reads ``c.record``, ``c.context``
and ``c.param(name)``, and calls ``c.hit(code, facts, params=(...))`` naming the parameters the
reason rests on (they become its citations), or ``c.unknown(field)``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from members.eligibility.context import CheckContext
from members.eligibility.reasons import reason
from members.enums import BenefitType, Scheme, ServiceScope, Verdict
from members.policy import Policy
from members.record import MemberRecord, Region

RESIDENT_SCHEMES = (Scheme.RESIDENT, Scheme.URBAN_RESIDENT, Scheme.NRCMS)

#: The kind of service a benefit is settled as (facility designation, filings, networking).
SERVICE_FOR_BENEFIT: dict[BenefitType, ServiceScope] = {
    BenefitType.INPATIENT: ServiceScope.INPATIENT,
    BenefitType.MATERNITY: ServiceScope.INPATIENT,
    BenefitType.OUTPATIENT_GENERAL: ServiceScope.OUTPATIENT,
    BenefitType.SPECIAL_ITEM: ServiceScope.OUTPATIENT,
    BenefitType.CHRONIC_OUTPATIENT: ServiceScope.CHRONIC,
    BenefitType.PHARMACY_PERSONAL_ACCOUNT: ServiceScope.PHARMACY,
}

_LEVELS = {"一级": 1, "二级": 2, "三级": 3}


@dataclass(frozen=True)
class Citation:
    """What a reason rests on: a knowledge-base topic, the seed basis, and the regional rule if any."""

    topic: str
    basis: str
    region: str | None = None
    year: int | None = None
    parameter: str | None = None


@dataclass(frozen=True)
class Finding:
    """One reason a rule found, with the member's own facts for the reply."""

    code: str
    verdict: Verdict
    facts: dict[str, Any]
    variant: str = "default"
    handoff: bool = False
    citations: tuple[Citation, ...] = ()
    #: reported only as a consequence of another reason, so never the primary one
    subordinate: bool = False


@dataclass(frozen=True)
class Unknown:
    """A field the check needed but the record or registry does not show (never guessed)."""

    field: str
    decisive: bool = True


@dataclass
class Checks:
    """Collects what the rules find for one record and one context."""

    record: MemberRecord | None
    context: CheckContext
    policy: Policy | None
    findings: list[Finding] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)
    emergency_exception: str | None = None
    stopped: bool = False

    def param(self, name: str, default: Any = None) -> Any:
        """The policy parameter ``name`` in force, or ``default`` when there is none."""
        value = self.policy.get(name) if self.policy else None
        return default if value is None else value

    def hit(
        self,
        code: str,
        facts: dict[str, Any] | None = None,
        *,
        variant: str = "default",
        verdict: Verdict | None = None,
        handoff: bool | None = None,
        params: tuple[str, ...] = (),
        stop: bool = False,
        subordinate: bool = False,
    ) -> None:
        """Report reason ``code``, citing the policy ``params`` it rests on.

        ``stop`` ends the check: nothing after this reason can apply (no record, membership ended).
        ``subordinate`` marks a consequence of another reason: it is listed but never primary.
        """
        spec = reason(code)
        if variant not in spec.variants:
            raise KeyError(f"{code} has no reply variant {variant!r}")
        topics = spec.variants[variant].get("topics", spec.topics)
        basis = spec.variants[variant].get("basis", spec.basis)
        self.findings.append(Finding(
            code=code,
            verdict=verdict or Verdict(spec.variants[variant].get("verdict", spec.verdict)),
            facts=dict(facts or {}),
            variant=variant,
            handoff=spec.handoff if handoff is None else handoff,
            citations=self._citations(topics, basis, params),
            subordinate=subordinate,
        ))
        self.stopped = self.stopped or stop

    def unknown(self, field_name: str, decisive: bool = True) -> None:
        """Report that ``field_name`` is needed but not shown (see texts.yaml ``unknown_fields``)."""
        if all(u.field != field_name for u in self.unknowns):
            self.unknowns.append(Unknown(field_name, decisive))

    def has(self, code: str) -> bool:
        """True when ``code`` was already reported."""
        return any(f.code == code for f in self.findings)

    def _citations(self, topics: list[str], basis: str, params: tuple[str, ...]) -> tuple[Citation, ...]:
        regional = []
        for name in params:
            source = self.policy.source(name) if self.policy else None
            if source is not None and source.region_code not in ("national", "generic"):
                regional.append(Citation(topics[0], source.reference, source.region_name,
                                         source.since.year if source.dated else None, name))
        return (*[Citation(t, basis) for t in topics], *regional)


def is_resident_scheme(scheme: Scheme | None) -> bool:
    """True for the resident schemes (城乡居民、城镇居民、新农合), which pay by the year."""
    return scheme in RESIDENT_SCHEMES


def same_region(a: str, b: str) -> bool:
    """True when two codes name the same region, or one (like 440000) contains the other."""
    a_root, b_root = a.rstrip("0"), b.rstrip("0")
    return a == b or a_root.startswith(b_root) or b_root.startswith(a_root)


def region_label(region: Region | None) -> str:
    """A region's name, or its code when the name is not known."""
    if region is None:
        return ""
    return region.name or region.code


def add_months(day: date, months: int) -> date:
    """``day`` plus a number of months, kept inside the target month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def facility_level(level: str | None) -> int | None:
    """一级/二级/三级 as 1/2/3 (also inside names like 三级甲等); None for other kinds."""
    if not level:
        return None
    return next((n for word, n in _LEVELS.items() if level.startswith(word)), None)


def money(value: float) -> str:
    """An amount for a reply: whole yuan without decimals, otherwise two decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def percent(ratio: float) -> str:
    """0.78 as 78%."""
    return f"{ratio * 100:.0f}%"
