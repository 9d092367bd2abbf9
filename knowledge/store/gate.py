"""The publish gate: the team's dev questions (knowledge/devset/) asked of the live and a candidate index.

A publish that would pull hit@3 below the floor (the live figure minus an allowed drop) is blocked
unless an admin overrides it; the report lists every question whose top answer changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.devset import DevItem, Outcome, run, scores
from knowledge.entries import Entry
from knowledge.normalize import normalize_text
from knowledge.search import KnowledgeSearch
from knowledge.vector_cache import VectorCache


@dataclass(frozen=True)
class Change:
    """A dev question whose top answer differs between the live and the candidate index."""

    question: str
    expected: tuple[str, ...]
    before: str | None
    after: str | None
    hit_before: bool
    hit_after: bool


@dataclass(frozen=True)
class GateReport:
    """hit@3 of the live and the candidate index, the floor, and the changed questions."""

    baseline: float
    candidate: float
    floor: float
    answerable: int
    changes: tuple[Change, ...]

    @property
    def blocked(self) -> bool:
        """True when the candidate falls below the floor."""
        return self.candidate < self.floor - 1e-9

    @property
    def lost(self) -> list[Change]:
        """Questions answered within the top 3 before and not after."""
        return [change for change in self.changes if change.hit_before and not change.hit_after]


def hit_at_3(outcomes: Sequence[Outcome]) -> float:
    """Share of answerable dev questions with an expected entry in the top 3."""
    return scores(outcomes, threshold=1.0)["hit@3"]


def compare(before: Sequence[Outcome], after: Sequence[Outcome], max_drop_points: float) -> GateReport:
    """The gate's verdict: ``after`` may lose at most ``max_drop_points`` of hit@3 against ``before``."""
    changes = []
    for old, new in zip(before, after, strict=True):
        top_old, top_new = (old.top[0] if old.top else None), (new.top[0] if new.top else None)
        if top_old != top_new:
            expected = old.item.expected
            changes.append(Change(old.item.question, tuple(sorted(expected)), top_old, top_new,
                                  bool(set(old.top) & expected), bool(set(new.top) & expected)))
    baseline = hit_at_3(before)
    return GateReport(
        baseline=baseline,
        candidate=hit_at_3(after),
        floor=baseline - max_drop_points / 100,
        answerable=sum(1 for o in before if o.item.expected),
        changes=tuple(changes),
    )


def candidate_entries(live: Iterable[Entry], change: Entry | None = None, remove: str | None = None) -> list[Entry]:
    """The live entries with ``change`` put in (replacing its id) or the entry ``remove`` taken out."""
    entries = {entry.id: entry for entry in live}
    if change is not None:
        entries[change.id] = change
    if remove is not None:
        entries.pop(remove, None)
    return list(entries.values())


def evaluate(search: KnowledgeSearch, items: Sequence[DevItem]) -> list[Outcome]:
    """Ask every dev question of ``search``."""
    return run(search, items)


class RememberingEncoder:
    """An encoder front that answers known query texts (the dev questions) from memory.

    The gate asks the same questions of every candidate index; their vectors are computed once
    (from the on-disk vector cache when there is one). Every other text goes to the real encoder.
    """

    def __init__(self, encoder, cache: VectorCache | None = None) -> None:  # noqa: ANN001 - Encoder-like
        self.encoder = encoder
        self.cache = cache
        self.known: dict[str, np.ndarray] = {}

    def __getattr__(self, name: str):  # noqa: ANN204 - available, name, dim, path of the real encoder
        return getattr(self.encoder, name)

    def remember(self, questions: Iterable[str]) -> None:
        """Compute and keep the vectors of ``questions`` (normalised as the search normalises them)."""
        texts = sorted({normalize_text(q) for q in questions} - set(self.known) - {""})
        if not texts:
            return
        vectors = self.cache.encode(texts) if self.cache is not None else self.encoder.encode(texts)
        self.known.update(zip(texts, vectors, strict=True))

    def encode(self, texts, *args, **kwargs) -> np.ndarray:  # noqa: ANN001, ANN002, ANN003
        return self.encoder.encode(texts, *args, **kwargs)

    def encode_query(self, text: str) -> np.ndarray:
        vector = self.known.get(text)
        return vector if vector is not None else self.encoder.encode_query(text)
