"""Run end-to-end scenario files (§9): each scenario through import, check and reply, against its expectations.

Every scenario gets a fresh copy of a migrated SQLite database; its member, facility and item go in
through the real import functions, and the check through members.service, as in production.
Besides the §9 fields a scenario may carry ``other_records`` (more members, e.g. a conflicting
record with the same ID number) and ``other_facilities`` (registry entries the record refers to).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from members.eligibility.context import Claim
from members.eligibility.reply import render_reply
from members.eligibility.result import Result
from members.enums import BenefitType, CardType, Verdict
from members.errors import ImportFileError
from members.importing import import_catalog, import_facilities, import_members
from members.parse import ParseError, parse
from members.record import Region
from members.service import CheckRequest, check_member
from members.store import member_ref_for
from storage.db import make_engine, session_scope
from storage.migrate import upgrade

RUNNER = "scenario-runner"


@dataclass(frozen=True)
class ScenarioContext:
    check_date: date
    benefit_type: BenefitType
    facility: dict[str, Any] | None = None
    item: dict[str, Any] | None = None
    disease_code: str | None = None
    disease_name: str | None = None
    is_emergency: bool = False
    is_referral: bool = False
    encounter_region: Region | None = None
    policy_params: dict[str, Any] | None = None
    claim: Claim | None = None
    credential: CardType | None = None
    identity_verified: bool | None = True


@dataclass(frozen=True)
class Expected:
    verdict: Verdict
    reason_code: str | None = None
    secondary_reason_codes: tuple[str, ...] | None = None
    key_facts: dict[str, Any] | None = None
    reply_must_include: tuple[str, ...] = ()
    reply_must_not: tuple[str, ...] = ()
    handoff: bool | None = None


@dataclass(frozen=True)
class Scenario:
    scenario_id: str
    title: str
    context: ScenarioContext
    expected: Expected
    member: dict[str, Any] | None = None
    other_records: tuple[dict[str, Any], ...] = ()
    other_facilities: tuple[dict[str, Any], ...] = ()
    asker: str = "本人"
    question: str | None = None
    seed_basis: Any = None
    synthetic: bool = True


@dataclass
class Outcome:
    """How one scenario went."""

    scenario_id: str
    result: Result | None = None
    reply: str = ""
    reply_checks: int = 0
    reply_passed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def line(self) -> str:
        """One summary line: id, verdict, reason, secondary codes, reply checks, PASS/FAIL."""
        if self.result is None:
            return f"{self.scenario_id}  -  -  []  reply 0/0  FAIL"
        r = self.result
        status = "PASS" if self.passed else "FAIL"
        return (f"{self.scenario_id}  {r.verdict.value}  {r.reason_code or '-'}  "
                f"[{','.join(r.secondary_reason_codes)}]  reply {self.reply_passed}/{self.reply_checks}  {status}")


def run_file(path: Path) -> Iterator[Outcome]:
    """Run every scenario of a JSON Lines file, yielding outcomes in file order."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory(prefix="yibao-scenarios-") as tmp:
        workdir = Path(tmp)
        template = workdir / "template.db"
        upgrade(f"sqlite:///{template}")
        for number, line in enumerate(lines, 1):
            if line.strip():
                yield run_line(line, number, template, workdir)


def run_line(line: str, number: int, template: Path, workdir: Path) -> Outcome:
    """Parse and run one scenario line; a malformed line is a failed outcome, not an exception."""
    try:
        data = json.loads(line)
        scenario = parse(Scenario, data)
    except json.JSONDecodeError as exc:
        return Outcome(f"line {number}", problems=[f"not valid JSON ({exc.msg})"])
    except ParseError as exc:
        ident = data.get("scenario_id", f"line {number}") if isinstance(data, dict) else f"line {number}"
        return Outcome(str(ident), problems=exc.errors)
    try:
        result = _check(scenario, template, workdir)
    except ImportFileError as exc:
        return Outcome(scenario.scenario_id, problems=exc.errors)
    outcome = Outcome(scenario.scenario_id, result=result, reply=render_reply(result))
    _compare(scenario, outcome)
    return outcome


def _write_jsonl(path: Path, objects: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8")
    return path


def _check(scenario: Scenario, template: Path, workdir: Path) -> Result:
    database = workdir / "scenario.db"
    shutil.copyfile(template, database)
    engine = make_engine(f"sqlite:///{database}")
    context = scenario.context
    try:
        with session_scope(engine) as session:
            audit = {"who": RUNNER, "role": "test"}
            member_ref = None
            if scenario.member is not None:
                records = [scenario.member, *scenario.other_records]
                import_members(session, _write_jsonl(workdir / "members.jsonl", records), **audit)
                member_ref = member_ref_for(session, str(scenario.member.get("member_id")))
            facilities = [*([context.facility] if context.facility else []), *scenario.other_facilities]
            if facilities:
                import_facilities(session, _write_jsonl(workdir / "facilities.jsonl", facilities), **audit)
            if context.item is not None:
                import_catalog(session, _write_jsonl(workdir / "catalog.jsonl", [context.item]), **audit)
            request = CheckRequest(
                check_date=context.check_date,
                benefit_type=context.benefit_type,
                facility_id=context.facility.get("id") if context.facility else None,
                item_code=(context.item.get("code") or context.item.get("item_code")) if context.item else None,
                disease_code=context.disease_code,
                disease_name=context.disease_name,
                is_emergency=context.is_emergency,
                is_referral=context.is_referral,
                encounter_region=context.encounter_region,
                claim=context.claim,
                credential=context.credential,
                asker=scenario.asker,
                identity_verified=context.identity_verified,
            )
            return check_member(session, member_ref, request, reason=f"scenario {scenario.scenario_id}",
                                policy_overrides=context.policy_params, **audit)
    finally:
        engine.dispose()


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, int | float) and isinstance(expected, int | float):
        return float(actual) == float(expected)
    return actual == expected


def _compare(scenario: Scenario, outcome: Outcome) -> None:
    expected, result, problems = scenario.expected, outcome.result, outcome.problems
    assert result is not None
    if result.verdict != expected.verdict:
        problems.append(f"verdict {result.verdict.value}, expected {expected.verdict.value}")
    if result.reason_code != expected.reason_code:
        problems.append(f"reason_code {result.reason_code}, expected {expected.reason_code}")
    if expected.secondary_reason_codes is not None and \
            set(result.secondary_reason_codes) != set(expected.secondary_reason_codes):
        problems.append(f"secondary {sorted(result.secondary_reason_codes)}, "
                        f"expected {sorted(expected.secondary_reason_codes)}")
    if expected.handoff is not None and result.handoff != expected.handoff:
        problems.append(f"handoff {result.handoff}, expected {expected.handoff}")
    for key, value in (expected.key_facts or {}).items():
        if not _same(result.facts_for_reply.get(key), value):
            problems.append(f"fact {key}={result.facts_for_reply.get(key)!r}, expected {value!r}")
    checks = [(text in outcome.reply, f"reply lacks {text!r}") for text in expected.reply_must_include]
    checks += [(text not in outcome.reply, f"reply contains {text!r}") for text in expected.reply_must_not]
    if scenario.member is not None:  # privacy: never the full ID number or name (§7.3)
        for key in ("id_number", "name"):
            value = str(scenario.member.get(key, ""))
            if len(value) > 1:
                checks.append((value not in outcome.reply, f"reply shows the full {key}"))
    outcome.reply_checks = len(checks)
    outcome.reply_passed = sum(ok for ok, _ in checks)
    problems.extend(message for ok, message in checks if not ok)
