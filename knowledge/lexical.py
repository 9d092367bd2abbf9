"""Lexical ranker: BM25 (bm25s) over token lists, words or characters."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import bm25s
import numpy as np

Tokenize = Callable[[str], list[str]]


class LexicalIndex:
    """A BM25 index over documents, scored for all documents at once (sparse, fast)."""

    def __init__(self, tokenize: Tokenize, k1: float = 1.5, b: float = 0.75) -> None:
        self.tokenize = tokenize
        self.k1 = k1
        self.b = b
        self._bm25: bm25s.BM25 | None = None
        self.size = 0

    def build(self, texts: Sequence[str], show_progress: bool = False) -> None:
        """Index ``texts`` (already normalised); document i keeps position i."""
        corpus = [self.tokenize(text) or [""] for text in texts]
        self._bm25 = bm25s.BM25(k1=self.k1, b=self.b)
        self._bm25.index(corpus, show_progress=show_progress)
        self.size = len(corpus)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (zeros when nothing matches)."""
        if self._bm25 is None or self.size == 0:
            return np.zeros(0, dtype=np.float32)
        tokens = self.tokenize(query)
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
