import dataclasses

import pytest
from click.testing import CliRunner

from cli.kb import group
from knowledge.entries import (
    MIN_ENTRIES,
    EntryError,
    base_problems,
    entry_problems,
    load_entries,
    parse_entry,
)
from knowledge.topics import policy_topics

GOOD = """---
id: cross_region_filing-001
title: 异地就医备案
topic: cross_region_filing
region: {code: "370200", name: 山东省青岛市}
effective: 2019
source: {seed: "002", section: 便民举措}
questions: [异地就医怎么备案, 去外地住院要备案吗, 外省看病备案, 異地就醫備案, 长期住外地怎么办]
---
先备案，再就医。
"""


def test_parse_good_entry():
    entry = parse_entry(GOOD)
    assert entry.id == "cross_region_filing-001"
    assert entry.region_code == "370200" and entry.is_regional
    assert entry.citation == "山东省青岛市，2019年"
    assert parse_entry(entry.to_markdown()) == entry


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("---\n", "", 1), "front matter"),
        (lambda t: t.replace("questions: [异地就医怎么备案, ", "questions: ["), "at least 5"),
        (lambda t: t.replace("id: cross_region_filing-001", "id: bad id"), "is not <topic>-<number>"),
        (lambda t: t.replace("先备案，再就医。", ""), "answer is empty"),
        (lambda t: t.replace("effective: 2019", "effective: soon"), "not a year"),
        (lambda t: t.replace("title: 异地就医备案\n", "title: [unclosed\n"), "not valid YAML"),
    ],
)
def test_bad_entries_name_the_problem(change, message):
    with pytest.raises(EntryError, match=message):
        parse_entry(change(GOOD), "x.md")


def test_shipped_base_loads_and_covers_every_policy_topic():
    entries = load_entries()
    assert len(entries) >= MIN_ENTRIES
    assert {entry.topic for entry in entries} == set(policy_topics())
    assert base_problems(entries) == []


def test_kb_check_passes_on_the_shipped_base():
    result = CliRunner().invoke(group, ["check"])
    assert result.exit_code == 0, result.output
    assert "31 topics: ok" in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"topic": "weather"}, "not one of the 31 policy topics"),
        ({"scheme": "商业保险"}, "scheme"),
        ({"region_code": "3702"}, "six digits"),
        ({"region_code": "370200", "region_name": "通用"}, "needs a regional name"),
        ({"source_seed": "007"}, "source seed"),
        ({"source_section": None}, "section is missing"),
        ({"region_name": "湖北省咸宁市嘉鱼县", "region_code": "421221"}, "does not name its region"),
        ({"effective": 2021}, "does not name its year 2021"),
        ({"effective": None, "answer": "青岛先备案3天后就医。"}, "figure without its year"),
        ({"source_seed": None, "region_code": None, "region_name": "通用"}, "points to neither"),
    ],
)
def test_content_rules_name_the_entry_and_the_problem(change, message):
    good = parse_entry(GOOD.replace("先备案，再就医。", "青岛2019年起先备案3天后就医。"))
    assert entry_problems(good) == []
    problems = base_problems([dataclasses.replace(good, **change)])
    assert any(problem.startswith("cross_region_filing-001: ") and message in problem for problem in problems), problems


def test_a_thin_base_is_reported():
    problems = base_problems(load_entries()[:10])
    assert any(f"at least {MIN_ENTRIES}" in problem for problem in problems)
    assert any(problem.startswith("no published entry for the topics") for problem in problems)
