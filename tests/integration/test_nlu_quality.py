"""NLU quality on the team's held-out examples (tests/nlu/holdout.yml), through the running Rasa."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import requests
import yaml

pytestmark = pytest.mark.integration

HOLDOUT = Path(__file__).resolve().parents[1] / "nlu" / "holdout.yml"
MACRO_F1_FLOOR = 0.85
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)|\[([^\]]+)\]\{[^}]+\}")


def holdout_examples() -> list[tuple[str, str]]:
    data = yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))
    examples = []
    for block in data["nlu"]:
        if "intent" not in block:
            continue
        for line in block["examples"].splitlines():
            line = line.strip().removeprefix("- ").strip()
            if line:
                examples.append((_ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line), block["intent"]))
    return examples


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Macro-averaged F1 over the gold intents, from (gold, predicted) pairs."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for gold, predicted in pairs:
        if gold == predicted:
            tp[gold] += 1
        else:
            fn[gold] += 1
            fp[predicted] += 1
    scores = []
    for intent in {gold for gold, _ in pairs}:
        precision = tp[intent] / (tp[intent] + fp[intent]) if tp[intent] + fp[intent] else 0.0
        recall = tp[intent] / (tp[intent] + fn[intent]) if tp[intent] + fn[intent] else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def test_macro_f1_on_held_out_examples(stack, record_property):
    pairs = []
    for text, gold in holdout_examples():
        parsed = requests.post(f"{stack.settings.rasa_url}/model/parse", json={"text": text}, timeout=10).json()
        pairs.append((gold, parsed["intent"]["name"]))
    score = macro_f1(pairs)
    record_property("nlu_macro_f1", round(score, 4))
    print(f"\nNLU macro-F1 on {len(pairs)} held-out examples: {score:.3f}")
    wrong = [(gold, predicted) for gold, predicted in pairs if gold != predicted]
    assert score >= MACRO_F1_FLOOR, f"macro-F1 {score:.3f} below {MACRO_F1_FLOOR}; confusions: {Counter(wrong).most_common(10)}"
