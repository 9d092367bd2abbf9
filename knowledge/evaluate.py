"""Evaluation of the production retrieval pipeline on a BEIR-style set (`yibao kb eval`).

Texts go through the same steps as residents' questions: normalise → Collection (the rankers and
weights of knowledge/fusion.yml for the collection kind) → top 10. Modes: "bm25" (BM25 over jieba
words alone, the baseline), "lexical" (words + characters), "dense" (the encoder alone) and
"hybrid" (the configured fusion). Corpus vectors are cached per model under var/cache/vectors/.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from knowledge import metrics
from knowledge.beir import Corpus, Query
from knowledge.collection import Collection
from knowledge.encoder import REPO_ROOT, Encoder, use_threads
from knowledge.fusion import MODES, Weights, weights_for
from knowledge.lexical import LexicalIndex
from knowledge.normalize import normalize_text
from knowledge.vector_cache import VectorCache

VECTOR_CACHE_DIR = REPO_ROOT / "var" / "cache" / "vectors"
#: Threads for encoding the corpus (both cores) and for the query loop (one, as the service runs).
BATCH_THREADS, QUERY_THREADS = 2, 1


@dataclass
class EvalResult:
    """Scores of one mode on one query file."""

    mode: str
    kind: str
    metrics: dict[str, float]
    queries: int
    corpus: int
    model: str | None = None
    index_seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """The metrics rounded, with the keys `--json` promises first."""
        return {key: round(value, 4) for key, value in self.metrics.items()}


class Evaluation:
    """One corpus, normalised once; its vectors encoded once and shared by every mode."""

    def __init__(
        self,
        corpus: Corpus,
        kind: str | None = None,
        encoder: Encoder | None = None,
        cache_dir: Path | None = None,
        show_progress: bool = True,
    ) -> None:
        self.corpus = corpus
        self.kind = kind or corpus.kind()
        self.encoder = encoder
        self.cache_dir = cache_dir
        self.show_progress = show_progress
        self.texts = [normalize_text(text) for text in tqdm(corpus.texts, desc="normalising", disable=not show_progress)]
        self._vectors: np.ndarray | None = None
        self._lexical: dict[str, LexicalIndex] = {}
        self.encode_seconds: float | None = None
        self.encoded_now = 0

    def get_encoder(self) -> Encoder:
        if self.encoder is None:
            self.encoder = Encoder()
        return self.encoder

    def vectors(self) -> np.ndarray:
        """Corpus vectors, from the cache when it has them; the time spent encoding is recorded."""
        if self._vectors is None:
            encoder = self.get_encoder()
            use_threads(BATCH_THREADS)
            started = time.perf_counter()
            if self.cache_dir is not None:
                cache = VectorCache(self.cache_dir, encoder)
                self.encoded_now = len({t for t in self.texts if not cache.has(t)})
                self._vectors = cache.encode(self.texts, show_progress=self.show_progress)
            else:
                self.encoded_now = len(self.texts)
                self._vectors = encoder.encode(self.texts, show_progress=self.show_progress)
            self.encode_seconds = time.perf_counter() - started
        return self._vectors

    def collection(self, weights: Weights) -> tuple[Collection, float]:
        """A built Collection with ``weights`` and the seconds its indexes took.

        Every mode ranks with the same word and character indexes, so each is built once per corpus and
        lent to the later collections (a mode's switched-off rankers stay off).
        """
        collection = Collection(self.texts, weights, self.get_encoder() if weights.uses_dense else None)
        vectors = self.vectors() if weights.uses_dense else None
        started = time.perf_counter()
        built = {name: self._lexical[name] for name in ("words", "chars")
                 if getattr(collection, name) is not None and name in self._lexical}
        for name in built:
            setattr(collection, name, None)
        collection.build(vectors, show_progress=self.show_progress)
        for name in ("words", "chars"):
            if getattr(collection, name) is not None:
                self._lexical[name] = getattr(collection, name)
        for name, index in built.items():
            setattr(collection, name, index)
        return collection, time.perf_counter() - started

    def top_ids(self, collection: Collection, question: str, k: int = 10) -> list[str]:
        """Ids of the ``k`` best documents for a raw ``question``, through the query path the service runs."""
        text = normalize_text(question)
        vector = collection.encoder.encode_query(text) if collection.encoder is not None else None
        return [self.corpus.ids[r.position] for r in collection.rank(text, vector, k=k)]

    def run(self, queries: list[Query], mode: str, weights: Weights | None = None) -> EvalResult:
        """Rank every query with ``mode`` (or explicit ``weights``) and score the top 10."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
        weights = weights or weights_for(self.kind, mode)
        collection, build_seconds = self.collection(weights)
        use_threads(QUERY_THREADS)
        rankings, latencies = [], []
        for query in tqdm(queries, desc=f"{mode} queries", disable=not self.show_progress):
            started = time.perf_counter()
            rankings.append(self.top_ids(collection, query.text))
            latencies.append((time.perf_counter() - started) * 1000)
        scores = metrics.summarise(rankings, [q.relevant for q in queries])
        scores["hit@10"] = float(np.mean([metrics.hit_at(r, q.relevant, 10) for r, q in zip(rankings, queries, strict=True)]))
        scores["p50_ms"] = float(np.percentile(latencies, 50)) if latencies else 0.0
        scores["p95_ms"] = float(np.percentile(latencies, 95)) if latencies else 0.0
        model = _model_name(collection.encoder) if collection.encoder is not None else None
        extra = {"weights": vars(weights).copy()}
        if collection.encoder is not None and self.encode_seconds is not None and self.encoded_now:
            extra["encoded_per_second"] = round(self.encoded_now / self.encode_seconds, 1)
        return EvalResult(mode, self.kind, scores, len(queries), len(self.corpus), model, build_seconds, extra)


def candidate_parts(evaluation: Evaluation, queries: list[Query]) -> list[tuple[list[str], dict[str, np.ndarray]]]:
    """Every ranker's raw scores over each query's candidates (all rankers on), for tuning the weights."""
    collection, _ = evaluation.collection(Weights(dense=1.0, words=1.0, chars=1.0))
    use_threads(QUERY_THREADS)
    out = []
    for query in tqdm(queries, desc="candidates", disable=not evaluation.show_progress):
        text = normalize_text(query.text)
        order, parts = collection.candidates(text, evaluation.get_encoder().encode_query(text))
        out.append(([evaluation.corpus.ids[p] for p in order], parts))
    return out


def _model_name(encoder: Encoder) -> str:
    path = getattr(encoder, "path", None)
    return Path(path).name if path is not None else str(getattr(encoder, "name", "encoder"))


def cache_dir_for(corpus_path: Path) -> Path:
    """Vector cache folder of a corpus file, named after its folder (one file per model inside)."""
    return VECTOR_CACHE_DIR / Path(corpus_path).resolve().parent.name
