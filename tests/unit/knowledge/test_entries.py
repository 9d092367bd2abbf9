import pytest

from knowledge.entries import EntryError, load_entries, parse_entry

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
    topics = {entry.topic for entry in entries}
    assert len(entries) >= 40
    assert len(topics) == 31, sorted(topics)
