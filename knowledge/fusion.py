"""Fusion of rankers into one ranking, with weights per collection kind (questions or passages).

Each ranker's scores are divided by their best value for the query, so every ranker's top
document scores 1, then summed with weights. Weights live in knowledge/fusion.yml, tuned on
validation data only (bench/retrieval_tune.py); "lexical only" is always among the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

FUSION_FILE = Path(__file__).parent / "fusion.yml"
RANKERS = ("dense", "words", "chars")
#: Ways to rank: BM25 over words (the baseline), words + characters, the encoder alone, the fusion.
MODES = ("bm25", "lexical", "dense", "hybrid")


@dataclass(frozen=True)
class Weights:
    """How much each ranker counts; a zero weight switches the ranker off."""

    dense: float = 0.0
    words: float = 1.0
    chars: float = 0.0

    def of(self, ranker: str) -> float:
        return float(getattr(self, ranker))

    @property
    def uses_dense(self) -> bool:
        return self.dense > 0


@lru_cache(maxsize=1)
def _configured() -> dict[str, Weights]:
    raw = yaml.safe_load(FUSION_FILE.read_text(encoding="utf-8")) or {}
    return {kind: Weights(**values) for kind, values in raw["hybrid"].items()}


@lru_cache(maxsize=1)
def configured_model() -> str | None:
    """Folder name (under var/models/) of the trained encoder these weights were tuned for (`model:`)."""
    raw = yaml.safe_load(FUSION_FILE.read_text(encoding="utf-8")) or {}
    return raw.get("model")


def weights_for(kind: str, mode: str = "hybrid") -> Weights:
    """Configured weights for a collection ``kind`` ("questions" or "passages") in ``mode``."""
    if mode == "lexical":
        return Weights(dense=0.0, words=1.0, chars=1.0) if kind == "questions" else Weights(0.0, 1.0, 0.5)
    if mode == "dense":
        return Weights(dense=1.0, words=0.0, chars=0.0)
    if mode == "bm25":
        return Weights(dense=0.0, words=1.0, chars=0.0)
    return _configured()[kind]


def relative(scores: np.ndarray) -> np.ndarray:
    """Scores divided by their maximum (all zeros stay zeros; negatives clip to zero)."""
    scores = np.clip(scores, 0.0, None)
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


def fuse(scores: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    """Weighted sum of each ranker's relative scores over the same candidates."""
    total: np.ndarray | None = None
    for ranker, values in scores.items():
        weight = weights.of(ranker)
        if weight == 0:
            continue
        part = weight * relative(values)
        total = part if total is None else total + part
    if total is None:
        raise ValueError("no ranker has a non-zero weight")
    return total
