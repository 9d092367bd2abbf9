"""The eligibility engine: check(record, context, policy) -> Result, pure and deterministic.

Rule groups run in a fixed order and report every reason that applies (§3.1); the primary reason
is the first in the §4 order, except that a reason a rule reports only as the consequence of another
(a retiree short of years who stopped paying: §5.1) is never primary. The verdict is the most serious among the reasons; a field needed to
decide that the record does not show turns an otherwise positive answer into NEEDS_HUMAN_REVIEW.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from members.eligibility import (
    assistance,
    catalog,
    chronic,
    contribution,
    cross_region,
    enrollment,
    facility,
    identity,
    quota,
    tier,
)
from members.eligibility.checks import Checks, Citation, Finding
from members.eligibility.context import CheckContext
from members.eligibility.reasons import OK, OK_EMERGENCY_EXCEPTION, SEVERITY, rank, reason, texts
from members.eligibility.result import Result
from members.eligibility.wording import code_text, finding_steps, unknown_text
from members.enums import Verdict, label
from members.policy import Policy
from members.record import MemberRecord
from privacy import mask_id_number, mask_name

#: Rule groups in the order they run; identity and enrollment may end the check early.
GROUPS = (identity, enrollment, contribution, tier, facility, cross_region, chronic, catalog, quota, assistance)


def check(record: MemberRecord | None, context: CheckContext, policy: Policy | None) -> Result:
    """Check one member's eligibility for what ``context`` describes.

    Args:
        record: the member's record, or None when no record matched.
        context: the encounter asked about, with registry entries resolved.
        policy: the parameters in force in the member's region on the check date.
    """
    c = Checks(record=record, context=context, policy=policy)
    if policy is not None and not policy.configured:
        c.unknown("region_parameters", decisive=False)
    for group in GROUPS:
        group.check(c)
        if c.stopped:
            break
    return _result(c)


def _worst(verdicts: list[Verdict]) -> Verdict:
    return max(verdicts, key=SEVERITY.index)


def _result(c: Checks) -> Result:
    findings = sorted(c.findings, key=lambda f: (f.subordinate, rank(f.code)))
    decisive = [u for u in c.unknowns if u.decisive]
    emergency = emergency_variant(c) if c.emergency_exception else None
    if findings:
        verdict = _worst([f.verdict for f in findings])
        if decisive and verdict in (Verdict.ELIGIBLE, Verdict.CONDITIONAL):
            verdict = Verdict.NEEDS_HUMAN_REVIEW
        code: str | None = findings[0].code
    elif decisive:
        verdict, code = Verdict.NEEDS_HUMAN_REVIEW, None
    else:
        verdict, code = Verdict.ELIGIBLE, OK_EMERGENCY_EXCEPTION if emergency else OK
    secondary = tuple(dict.fromkeys(f.code for f in findings[1:] if f.code != code))
    handoff = verdict == Verdict.NEEDS_HUMAN_REVIEW or any(f.handoff for f in findings)
    base = base_facts(c)
    facts = dict(base)
    for finding in findings:
        facts.update({k: v for k, v in finding.facts.items() if k not in facts})
    return Result(
        verdict=verdict,
        reason_code=code,
        secondary_reason_codes=secondary,
        facts_for_reply={k: _json(v) for k, v in facts.items() if v is not None},
        next_steps=tuple(_next_steps(c, findings, base, code, emergency)),
        citations=_citations(findings, code, emergency),
        handoff=handoff,
        unknowns=tuple(c.unknowns),
        findings=tuple(findings),
        emergency_exception=emergency,
    )


def base_facts(c: Checks) -> dict[str, Any]:
    """Facts every reply may use: masked name and ID, region, scheme, data date, benefit asked about."""
    facts: dict[str, Any] = {"benefit": texts()["benefits"][c.context.benefit_type.value]}
    record = c.record
    if record is None or any(f.code == "RECORD_NOT_FOUND" for f in c.findings):
        return facts  # nothing of a record may be told before identity is settled
    facts.update({
        "name": mask_name(record.name),
        "id_number": mask_id_number(record.id_number),
        "region": record.insured_region.name or record.insured_region.code,
        "scheme_name": label(record.scheme) if record.scheme else None,
        "record_updated_at": record.record_updated_at,
    })
    if c.context.facility is not None:
        facts["facility_name"] = c.context.facility.name
    if c.context.item is not None:
        facts["item_name"] = c.context.item.name
    return facts


def emergency_variant(c: Checks) -> str:
    """Which OK_EMERGENCY_EXCEPTION wording applies (the region may review emergencies online)."""
    if c.emergency_exception == "cross_region" and c.param("cross_region.emergency_inpatient_online_review"):
        return "cross_region_online"
    return c.emergency_exception or "not_designated"


def _next_steps(c: Checks, findings: list[Finding], base: dict[str, Any], code: str | None,
                emergency: str | None) -> list[str]:
    steps: list[str] = code_text(OK, "default", base)[1] if code == OK else []
    for finding in findings:
        steps.extend(finding_steps(finding, base))
    if emergency:
        steps.extend(code_text(OK_EMERGENCY_EXCEPTION, emergency, base)[1])
    for unknown in c.unknowns:
        what, where = unknown_text(unknown.field)
        steps.append(texts()["lines"]["check_unknown"].format(label=what, where=where))
    return list(dict.fromkeys(steps))


def _citations(findings: list[Finding], code: str | None, emergency: str | None) -> tuple[Citation, ...]:
    citations: list[Citation] = [citation for f in findings for citation in f.citations]
    if emergency or code in (OK, OK_EMERGENCY_EXCEPTION):
        spec = reason(OK_EMERGENCY_EXCEPTION if emergency else OK)
        variant = spec.variants[emergency or "default"]
        basis = variant.get("basis", spec.basis)
        citations.extend(Citation(topic, basis) for topic in variant.get("topics", spec.topics))
    return tuple(dict.fromkeys(citations))


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value
