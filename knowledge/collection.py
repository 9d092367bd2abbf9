"""A searchable collection of texts: BM25 over words and characters, dense vectors, fused.

Used for the knowledge base's similar questions and answer passages, and for the public
benchmark collections (`yibao kb eval`), so both are measured with the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge import segment
from knowledge.dense import DenseIndex
from knowledge.encoder import Encoder
from knowledge.fusion import Weights, fuse
from knowledge.lexical import LexicalIndex

#: How many documents each ranker proposes before fusion.
CANDIDATES_PER_RANKER = 100


@dataclass(frozen=True)
class Ranked:
    """One document of a collection for a query: its position, fused score and each ranker's score."""

    position: int
    score: float
    parts: dict[str, float]


class Collection:
    """Texts (already normalised) indexed by the rankers that ``weights`` switch on."""

    def __init__(self, texts: Sequence[str], weights: Weights, encoder: Encoder | None = None) -> None:
        self.texts = list(texts)
        self.weights = weights
        self.encoder = encoder if weights.uses_dense else None
        self.words = LexicalIndex(segment.words) if weights.words > 0 else None
        self.chars = LexicalIndex(segment.characters) if weights.chars > 0 else None
        self.vectors: np.ndarray | None = None
        self.dense: DenseIndex | None = None

    def build(self, vectors: np.ndarray | None = None, show_progress: bool = False, dense_kind: str = "auto") -> None:
        """Build every switched-on index; ``vectors`` may be given precomputed (from a cache)."""
        for index in (self.words, self.chars):
            if index is not None:
                index.build(self.texts, show_progress=show_progress)
        if self.encoder is not None and self.texts:
            if vectors is None:
                vectors = self.encoder.encode(self.texts, show_progress=show_progress)
            self.vectors = vectors
            self.dense = DenseIndex(vectors.shape[1], kind=dense_kind)
            self.dense.build(vectors)

    def __len__(self) -> int:
        return len(self.texts)

    def rank(self, query: str, query_vector: np.ndarray | None = None, k: int = 10) -> list[Ranked]:
        """The ``k`` best documents for a normalised ``query`` (and its vector, when dense is on)."""
        order, parts = self.candidates(query, query_vector)
        if order.size == 0:
            return []
        fused = fuse(parts, self.weights)
        best = np.argsort(-fused, kind="stable")[:k]
        return [
            Ranked(int(order[i]), float(fused[i]), {name: float(values[i]) for name, values in parts.items()})
            for i in best
        ]

    def candidates(
        self, query: str, query_vector: np.ndarray | None = None
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Positions proposed by any ranker and every ranker's raw score for each of them (before fusion)."""
        empty = np.zeros(0, dtype=np.int64)
        if not self.texts:
            return empty, {}
        lexical: dict[str, np.ndarray] = {}
        candidates: set[int] = set()
        for name, index in (("words", self.words), ("chars", self.chars)):
            if index is None:
                continue
            scores = index.scores(query)
            lexical[name] = scores
            candidates.update(_top_positions(scores, CANDIDATES_PER_RANKER))
        if self.dense is not None and query_vector is not None:
            _, positions = self.dense.search(query_vector, CANDIDATES_PER_RANKER)
            candidates.update(int(p) for p in positions)
        if not candidates:
            return empty, {}
        order = np.fromiter(sorted(candidates), dtype=np.int64)
        parts = {name: scores[order] for name, scores in lexical.items()}
        if self.vectors is not None and query_vector is not None:
            parts["dense"] = self.vectors[order] @ query_vector.astype(np.float32)
        return order, parts


def _top_positions(scores: np.ndarray, k: int) -> list[int]:
    """Positions of the ``k`` highest positive scores."""
    positive = np.flatnonzero(scores > 0)
    if positive.size > k:
        positive = positive[np.argpartition(-scores[positive], k)[:k]]
    return positive.tolist()
