"""knowledge/topics.yml is the shared topic table, with a Chinese name for every topic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.topics import all_topics, policy_topics, topic_name

SHARED_TOPICS = Path(__file__).resolve().parents[3].parent / "shared" / "domain" / "topics.md"


def test_31_policy_topics_and_3_others_each_with_a_chinese_name() -> None:
    assert len(policy_topics()) == 31 and len(all_topics()) == 34
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in all_topics().values())
    assert topic_name("cross_region_filing") == "异地就医备案"
    assert topic_name("feedback_helpful") == "feedback_helpful"  # not a topic: shown as it is


def test_the_table_has_the_topics_of_the_shared_domain_file_in_order() -> None:
    if not SHARED_TOPICS.exists():
        pytest.skip(f"{SHARED_TOPICS} not found")
    ids = re.findall(r"^\| *\d+ *\| *([a-z_]+) *\|", SHARED_TOPICS.read_text(encoding="utf-8"), re.M)
    assert ids == list(all_topics())
