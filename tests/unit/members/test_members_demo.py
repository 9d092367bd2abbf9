"""The demo data: imports through the CLI, every listed check gives its reason, the README lists everyone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from members.parse import parse
from members.service import CheckRequest, check_member
from members.store import member_ref_for
from storage.db import session_scope

DEMO = Path(__file__).resolve().parents[3] / "members" / "demo"
CHECKS = [json.loads(line) for line in (DEMO / "checks.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def demo_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    for args in (["members", "facilities", "import"], ["members", "catalog", "import"], ["members", "import"]):
        name = {"facilities": "facilities", "catalog": "catalog"}.get(args[1], "members")
        result = runner.invoke(main, [*args, "--no-progress", str(DEMO / f"{name}.jsonl")])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("imported ")
    return db_url


def test_every_demo_check_gives_its_reason(demo_db: str, engine) -> None:
    outcomes = []
    with session_scope(engine) as session:
        for case in CHECKS:
            ref = member_ref_for(session, case["member_id"])
            result = check_member(session, ref, parse(CheckRequest, case["request"]),
                                  who="test", role="test", reason="demo check")
            outcomes.append((case["title"], result.verdict.value, result.reason_code))
    expected = [(c["title"], c["expected_verdict"], c["expected_reason_code"]) for c in CHECKS]
    assert outcomes == expected


def test_demo_covers_every_reason_code() -> None:
    from members.eligibility.reasons import ALL_CODES

    assert set(ALL_CODES) - {c["expected_reason_code"] for c in CHECKS} == set()


def test_demo_identifiers_are_synthetic() -> None:
    for line in (DEMO / "members.jsonl").read_text(encoding="utf-8").splitlines():
        member = json.loads(line)
        assert member["id_number"].startswith("99") and member["synthetic"] is True
        assert member.get("phone", "199").startswith("199")


def test_readme_lists_every_member_and_masks_ids() -> None:
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    for line in (DEMO / "members.jsonl").read_text(encoding="utf-8").splitlines():
        member = json.loads(line)
        assert member["member_id"] in readme
        assert member["id_number"] not in readme
    assert not re.search(r"99\d{16}", readme)


def test_cli_check_prints_the_reply(demo_db: str) -> None:
    result = CliRunner().invoke(main, [
        "eligibility", "check", "JY-E-1501", "--benefit", "chronic_outpatient", "--date", "2012-07-12",
        "--facility", "F-JY-PH01", "--item", "D-AML5", "--disease", "I10"])
    assert result.exit_code == 0, result.output
    assert "约为78%" in result.output and "张德厚" not in result.output
    result = CliRunner().invoke(main, ["eligibility", "check", "NOBODY", "--benefit", "inpatient"])
    assert result.exit_code != 0 and "NOBODY" in result.output
