"""BENCHMARKS.md sections: replaced in place, and a report rewritten from saved results keeps its date."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import report


@pytest.fixture
def benchmarks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(
        "# Benchmarks\n\n<!-- demo:start -->\n_Measured 2020-01-01 00:00 UTC on old box._\n\nold body\n<!-- demo:end -->\n\ntail\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(report, "BENCHMARKS_MD", path)
    return path


def test_rewriting_from_saved_results_keeps_the_measured_line(benchmarks: Path) -> None:
    report.update_section("demo", "new body", remeasured=False)
    text = benchmarks.read_text(encoding="utf-8")
    assert "_Measured 2020-01-01 00:00 UTC on old box._\n\nnew body\n<!-- demo:end -->" in text
    assert "old body" not in text and text.endswith("tail\n")


def test_a_new_measurement_gets_a_new_measured_line(benchmarks: Path) -> None:
    report.update_section("demo", "new body")
    text = benchmarks.read_text(encoding="utf-8")
    assert "2020-01-01" not in text
    assert f"on {report.machine()}._\n\nnew body" in text


def test_a_missing_section_is_appended_with_a_date_even_from_saved_results(benchmarks: Path) -> None:
    report.update_section("other", "body", remeasured=False)
    text = benchmarks.read_text(encoding="utf-8")
    assert text.rstrip().endswith("body\n<!-- other:end -->")
    assert text.count("_Measured ") == 2
