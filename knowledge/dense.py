"""Dense ranker: a FAISS inner-product index over unit-length embeddings.

Exact search (IndexFlatIP) for collections up to ``APPROXIMATE_FROM`` vectors, HNSW above it
unless asked otherwise. The math works on plain arrays; the encoder is a separate front.
"""

from __future__ import annotations

import faiss
import numpy as np

#: Collection size from which ``kind="auto"`` picks the approximate (HNSW) index. An exact search reads
#: every vector: 10 ms per query at 100,000 vectors on one thread here (memory-bound), HNSW ~1 ms.
APPROXIMATE_FROM = 50_000


class DenseIndex:
    """Inner-product search over L2-normalised float32 vectors."""

    def __init__(self, dim: int, kind: str = "auto") -> None:
        if kind not in ("auto", "exact", "hnsw"):
            raise ValueError(f"unknown dense index kind {kind!r}")
        self.dim = dim
        self.kind = kind
        self._index: faiss.Index | None = None

    @property
    def size(self) -> int:
        return 0 if self._index is None else self._index.ntotal

    def build(self, vectors: np.ndarray) -> None:
        """Index ``vectors`` (n × dim); row i keeps position i."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"expected vectors of shape (n, {self.dim}), got {vectors.shape}")
        use_hnsw = self.kind == "hnsw" or (self.kind == "auto" and len(vectors) >= APPROXIMATE_FROM)
        if use_hnsw:
            index = faiss.IndexHNSWFlat(self.dim, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efSearch = 128
        else:
            index = faiss.IndexFlatIP(self.dim)
        index.add(vectors)
        self._index = index

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (scores, positions) for one query vector; positions are -1 past the end."""
        if self._index is None or self.size == 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        scores, positions = self._index.search(query, min(k, self.size))
        keep = positions[0] >= 0
        return scores[0][keep], positions[0][keep]
