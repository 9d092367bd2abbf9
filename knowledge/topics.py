"""The fixed topic table (knowledge/topics.yml): topic ids and the short Chinese names staff read."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

TOPICS_FILE = Path(__file__).with_name("topics.yml")


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, str]]:
    return yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))


def policy_topics() -> dict[str, str]:
    """The 31 policy topics residents ask about: id → Chinese name."""
    return dict(_table()["policy"])


def all_topics() -> dict[str, str]:
    """Every topic, the policy ones first: id → Chinese name."""
    return {**_table()["policy"], **_table()["other"]}


def topic_name(topic: str) -> str:
    """The Chinese name of ``topic``, or the id itself when it is not in the table."""
    return all_topics().get(topic, topic)
