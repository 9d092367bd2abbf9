"""The scenario runner through the CLI: the shipped file passes; a wrong expectation fails with exit 1."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli import main

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "eligibility.jsonl"


def test_shipped_scenarios_pass() -> None:
    result = CliRunner().invoke(main, ["eligibility", "scenarios", str(SCENARIOS)])
    lines = result.output.strip().splitlines()
    total = sum(1 for line in SCENARIOS.read_text(encoding="utf-8").splitlines() if line.strip())
    assert result.exit_code == 0, result.output[-3000:]
    assert lines[-1] == f"{total} passed, 0 failed"
    assert total >= 90


def test_a_wrong_expectation_fails(tmp_path: Path) -> None:
    scenario = json.loads(SCENARIOS.read_text(encoding="utf-8").splitlines()[0])
    scenario["expected"]["verdict"] = "ELIGIBLE"
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(scenario, ensure_ascii=False) + "\n\nnot json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eligibility", "scenarios", str(path)])
    assert result.exit_code == 1
    assert "verdict NEEDS_HUMAN_REVIEW, expected ELIGIBLE" in result.output
    assert "not valid JSON" in result.output
    assert result.output.strip().splitlines()[-1] == "0 passed, 2 failed"


def test_every_reason_code_has_two_scenarios() -> None:
    from collections import Counter

    from members.eligibility.reasons import ALL_CODES

    counts = Counter(json.loads(line)["expected"]["reason_code"]
                     for line in SCENARIOS.read_text(encoding="utf-8").splitlines() if line.strip())
    assert {code: counts[code] for code in ALL_CODES if counts[code] < 2} == {}
