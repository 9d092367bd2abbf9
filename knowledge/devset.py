"""The team's dev set (knowledge/devset/*.yml): hit@k of the search and the confidence threshold.

Each item is a resident's question and the entry ids that answer it; ``expected: []`` marks a
question the base cannot answer, where the assistant must say it is not sure. Used by the CI floor
(tests/unit/knowledge/test_devset.py) and to calibrate `search.threshold` in knowledge/fusion.yml.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from knowledge.search import KnowledgeSearch

DEVSET_DIR = Path(__file__).parent / "devset"


@dataclass(frozen=True)
class DevItem:
    """A dev question, its expected entry ids (empty: unanswerable) and where it came from."""

    question: str
    expected: frozenset[str]
    origin: str = ""


@dataclass(frozen=True)
class Outcome:
    """What the search did with one dev question: the top 3 ids and the first hit's confidence."""

    item: DevItem
    top: tuple[str, ...]
    confidence: float


def load_devset(directory: Path = DEVSET_DIR) -> list[DevItem]:
    """Every item of every *.yml file in ``directory``, in file order."""
    items = []
    for path in sorted(Path(directory).glob("*.yml")):
        for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            items.append(DevItem(str(row["q"]), frozenset(row.get("expected") or []), path.name))
    return items


def run(search: KnowledgeSearch, items: Sequence[DevItem]) -> list[Outcome]:
    """Search every item's question."""
    outcomes = []
    for item in items:
        hits = search.search(item.question, k=3)
        top = tuple(hit.entry.id for hit in hits)
        outcomes.append(Outcome(item, top, hits[0].confidence if hits else 0.0))
    return outcomes


def scores(outcomes: Sequence[Outcome], threshold: float) -> dict[str, float]:
    """hit@1/hit@3 over answerable items; with ``threshold``: correct/wrong answers and false answers."""
    answerable = [o for o in outcomes if o.item.expected]
    unanswerable = [o for o in outcomes if not o.item.expected]
    first = [bool(o.top) and o.top[0] in o.item.expected for o in answerable]
    answered = [o.confidence >= threshold for o in answerable]
    return {
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "hit@1": float(np.mean(first)) if answerable else 0.0,
        "hit@3": float(np.mean([bool(set(o.top) & o.item.expected) for o in answerable])) if answerable else 0.0,
        "answered_correct": float(np.mean([a and f for a, f in zip(answered, first, strict=True)])) if answerable else 0.0,
        "answered_wrong": float(np.mean([a and not f for a, f in zip(answered, first, strict=True)])) if answerable else 0.0,
        "not_sure_on_answerable": float(np.mean([not a for a in answered])) if answerable else 0.0,
        "false_answer_rate": float(np.mean([o.confidence >= threshold for o in unanswerable])) if unanswerable else 0.0,
    }


def calibrate(outcomes: Sequence[Outcome], must_refuse: Sequence[float], must_answer: Sequence[float]) -> float:
    """The threshold that best separates answerable from unanswerable questions (balanced accuracy).

    ``must_refuse``/``must_answer`` are confidences of sanity questions that the threshold has to put
    on the right side when it can; among equally good thresholds the median one is taken.
    """
    confidences = sorted({round(o.confidence, 4) for o in outcomes} | set(must_refuse) | set(must_answer))
    cuts = [(a + b) / 2 for a, b in zip(confidences, confidences[1:], strict=False)] or [0.5]
    answerable = np.array([o.confidence for o in outcomes if o.item.expected])
    unanswerable = np.array([o.confidence for o in outcomes if not o.item.expected])

    def quality(t: float) -> tuple[int, float]:
        sane = sum(c < t for c in must_refuse) + sum(c >= t for c in must_answer)
        balanced = float(np.mean(answerable >= t)) + float(np.mean(unanswerable < t)) if unanswerable.size else 0.0
        return sane, round(balanced, 6)

    best = max(quality(t) for t in cuts)
    tied = [t for t in cuts if quality(t) == best]
    return float(np.median(tied))
