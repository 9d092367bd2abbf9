"""The Rasa domain and data, checked without Rasa: Rasa merges split files and only warns on duplicates."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

from knowledge.entries import load_entries

BOT = Path(__file__).resolve().parents[3] / "bot"
TOPICS_WITH_POLICY = {entry.topic for entry in load_entries()}


def _load_all(folder: Path) -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(folder.rglob("*.yml"))]


def _domain_keys(section: str) -> list[str]:
    keys: list[str] = []
    for part in _load_all(BOT / "domain"):
        value = part.get(section) or []
        keys += list(value) if isinstance(value, dict) else [k if isinstance(k, str) else next(iter(k)) for k in value]
    return keys


def test_no_key_is_declared_twice_across_domain_files():
    for section in ("intents", "entities", "slots", "responses", "actions"):
        duplicates = [key for key, count in Counter(_domain_keys(section)).items() if count > 1]
        assert not duplicates, f"{section} declared twice: {duplicates}"


def test_every_policy_topic_has_an_intent_and_a_rule_to_the_answer_action():
    intents = set(_domain_keys("intents"))
    assert intents >= TOPICS_WITH_POLICY
    ruled = set()
    for part in _load_all(BOT / "data" / "rules"):
        for rule in part.get("rules", []):
            steps = rule["steps"]
            for first, second in zip(steps, steps[1:], strict=False):
                if second.get("action") == "action_answer_policy" and "intent" in first:
                    ruled.add(first["intent"])
    assert ruled >= TOPICS_WITH_POLICY


def test_every_intent_has_enough_examples_and_no_example_is_shared():
    examples: dict[str, list[str]] = {}
    for part in _load_all(BOT / "data" / "nlu"):
        for block in part.get("nlu", []):
            if "intent" in block:
                lines = [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
                examples.setdefault(block["intent"], []).extend(lines)
    for intent in TOPICS_WITH_POLICY:
        assert len(examples.get(intent, [])) >= 15, intent
    owner: dict[str, str] = {}
    for intent, lines in examples.items():
        for line in lines:
            assert owner.setdefault(line, intent) == intent, f"{line!r} in {owner[line]} and {intent}"


def test_training_data_holds_no_real_looking_id_numbers():
    pattern = re.compile(r"(?<![0-9])[1-8][0-9]{16}[0-9Xx](?![0-9])")
    for path in BOT.rglob("*.yml"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path
