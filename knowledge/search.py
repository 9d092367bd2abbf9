"""Search over the knowledge base: residents' questions → entries, with one confidence score.

Similar questions (and titles) are matched densely and lexically; answer passages lexically
(RoFormer-Sim is a question-to-question model). Both rankings are merged per entry, the
resident's region is preferred when known, and the best entry gets a confidence in [0, 1] that
the answer layer compares with a calibrated threshold (knowledge/fusion.yml).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import yaml

from knowledge import segment
from knowledge.collection import Collection
from knowledge.encoder import Encoder
from knowledge.entries import Entry, published
from knowledge.fusion import FUSION_FILE, weights_for
from knowledge.normalize import normalize_text
from knowledge.vector_cache import VectorCache


@dataclass(frozen=True)
class SearchSettings:
    """Tunable numbers of the search, read from knowledge/fusion.yml (`search:`)."""

    question_share: float = 0.7  # weight of the similar-question ranking against the passage ranking
    confidence_dense_share: float = 0.5  # weight of dense similarity against lexical coverage
    threshold: float = 0.5  # below it the assistant says it is not sure
    same_region_bonus: float = 0.15
    other_region_penalty: float = 0.15


@lru_cache(maxsize=1)
def configured_settings() -> SearchSettings:
    raw = yaml.safe_load(FUSION_FILE.read_text(encoding="utf-8")) or {}
    return SearchSettings(**raw.get("search", {}))


@dataclass
class Hit:
    """An entry found for a query."""

    entry: Entry
    score: float
    confidence: float = 0.0
    matched_question: str | None = None
    parts: dict[str, float] = field(default_factory=dict)


def region_matches(entry: Entry, region: str | None) -> bool:
    """True when a resident's region (a code or a name such as 青岛/青岛市) is the entry's region."""
    if not region or not entry.is_regional:
        return False
    if region == entry.region_code:
        return True
    short = region.removesuffix("市").removesuffix("县").removesuffix("区").removesuffix("省")
    return bool(short) and short in entry.region_name


class KnowledgeSearch:
    """The live search over published entries; safe to rebuild while other threads search."""

    def __init__(
        self,
        entries: Iterable[Entry],
        encoder: Encoder | None = None,
        cache: VectorCache | None = None,
        settings: SearchSettings | None = None,
    ) -> None:
        self.encoder = encoder if encoder is not None and encoder.available else None
        self.cache = cache if self.encoder is not None else None
        self.settings = settings or configured_settings()
        self._lock = threading.Lock()
        self._state: _Indexed | None = None
        self.version = 0
        self.rebuild(entries)

    @property
    def dense_enabled(self) -> bool:
        return self.encoder is not None

    @property
    def entries(self) -> dict[str, Entry]:
        return dict(self._state.by_id) if self._state else {}

    def rebuild(self, entries: Iterable[Entry], show_progress: bool = False) -> None:
        """Index ``entries`` (only published ones are searchable) and swap the new index in."""
        state = _Indexed(published(entries), self.encoder, self.cache, show_progress)
        with self._lock:
            self._state = state
            self.version += 1

    def upsert(self, entry: Entry) -> None:
        """Add or replace one entry (retired or draft ones leave the index) without a restart."""
        current = self.entries
        current[entry.id] = entry
        self.rebuild(current.values())

    def retire(self, entry_id: str) -> None:
        """Remove an entry from the live index."""
        current = self.entries
        current.pop(entry_id, None)
        self.rebuild(current.values())

    def search(self, query: str, region: str | None = None, k: int = 5) -> list[Hit]:
        """Entries for a resident's ``query``, best first; the first carries the confidence."""
        state = self._state
        if state is None or not state.entries:
            return []
        text = normalize_text(query)
        if not text:
            return []
        vector = self.encoder.encode_query(text) if self.encoder is not None else None
        hits = state.rank(text, vector, region, self.settings, k)
        if hits:
            hits[0].confidence = state.confidence(text, hits[0], self.settings)
        return hits


class _Indexed:
    """One immutable build of the indexes over a list of entries."""

    def __init__(
        self, entries: list[Entry], encoder: Encoder | None, cache: VectorCache | None, show_progress: bool
    ) -> None:
        self.entries = entries
        self.by_id = {entry.id: entry for entry in entries}
        self.position = {entry.id: i for i, entry in enumerate(entries)}
        question_texts: list[str] = []
        self.question_owner: list[int] = []
        for i, entry in enumerate(entries):
            for text in (entry.title, *entry.questions):
                question_texts.append(normalize_text(text))
                self.question_owner.append(i)
        passage_texts = [normalize_text(f"{entry.title} {entry.answer}") for entry in entries]
        self.question_texts = question_texts
        self.questions = Collection(question_texts, weights_for("questions", "hybrid" if encoder else "lexical"), encoder)
        self.passages = Collection(passage_texts, weights_for("passages", "hybrid" if encoder else "lexical"), encoder)
        question_vectors = cache.encode(question_texts, show_progress) if cache and self.questions.encoder else None
        passage_vectors = cache.encode(passage_texts, show_progress) if cache and self.passages.encoder else None
        self.questions.build(question_vectors, show_progress)
        self.passages.build(passage_vectors, show_progress)
        self.entry_words = [set(segment.words(text)) for text in passage_texts]
        for owner, text in zip(self.question_owner, question_texts, strict=True):
            self.entry_words[owner].update(segment.words(text))
        frequency = Counter(word for words in self.entry_words for word in words)
        total = max(len(entries), 1)
        self.idf = {word: math.log(1 + total / count) for word, count in frequency.items()}
        self.unknown_idf = math.log(1 + total)

    def rank(
        self, text: str, vector: np.ndarray | None, region: str | None, settings: SearchSettings, k: int
    ) -> list[Hit]:
        depth = max(50, k * 10)
        by_entry: dict[int, Hit] = {}
        for ranked in self.questions.rank(text, vector, depth):
            owner = self.question_owner[ranked.position]
            score = settings.question_share * ranked.score
            hit = by_entry.get(owner)
            if hit is None or score > hit.score:
                by_entry[owner] = Hit(
                    self.entries[owner], score, matched_question=self.question_texts[ranked.position],
                    parts={f"q_{name}": value for name, value in ranked.parts.items()},
                )
        for ranked in self.passages.rank(text, vector, depth):
            share = (1 - settings.question_share) * ranked.score
            hit = by_entry.setdefault(ranked.position, Hit(self.entries[ranked.position], 0.0))
            hit.score += share
            hit.parts.update({f"p_{name}": value for name, value in ranked.parts.items()})
        for hit in by_entry.values():
            if region and hit.entry.is_regional:
                same = region_matches(hit.entry, region)
                hit.score += settings.same_region_bonus if same else -settings.other_region_penalty
        return sorted(by_entry.values(), key=lambda hit: -hit.score)[:k]

    def confidence(self, text: str, hit: Hit, settings: SearchSettings) -> float:
        """How sure the best hit answers ``text``: dense similarity blended with lexical coverage."""
        words = segment.words(text)
        if words:
            index = self.position[hit.entry.id]
            weights = [self.idf.get(word, self.unknown_idf) for word in words]
            covered = sum(w for word, w in zip(words, weights, strict=True) if word in self.entry_words[index])
            coverage = covered / sum(weights)
        else:
            coverage = 0.0
        dense = hit.parts.get("q_dense")
        if dense is None:
            return coverage
        share = settings.confidence_dense_share
        return float(share * max(dense, 0.0) + (1 - share) * coverage)
