"""BEIR-style retrieval sets on disk (corpus.jsonl, queries*.jsonl) for evaluation and training.

A corpus line is {"id", "text"[, "title"]}; a query line is {"id", "text", "relevant_ids"}. The
public sets live in ../shared/benchmarks when present ($YIBAO_BENCHMARKS_DIR overrides); they are
research data, not part of the product, so everything that reads them must cope with their absence.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCHMARKS_DIR = REPO_ROOT.parent / "shared" / "benchmarks"

#: The public sets and the kind of collection each one is.
PUBLIC_SETS = {
    "insuranceqa_zh": "passages",
    "chip2019_med_qq": "questions",
    "afqmc_fin_qq": "questions",
    "med_dialogue_im": "passages",
}

#: Mean document length (characters) from which a corpus counts as passages rather than questions.
PASSAGE_MEAN_CHARS = 40


class DatasetError(ValueError):
    """A corpus or query file that cannot be used."""


def benchmarks_dir() -> Path:
    """Where the public sets are: $YIBAO_BENCHMARKS_DIR or ../shared/benchmarks."""
    return Path(os.environ.get("YIBAO_BENCHMARKS_DIR", DEFAULT_BENCHMARKS_DIR))


@dataclass(frozen=True)
class Query:
    """A query with the ids of the documents that answer it."""

    id: str
    text: str
    relevant: frozenset[str]


@dataclass(frozen=True)
class Corpus:
    """Documents in file order."""

    ids: list[str]
    texts: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def mean_chars(self) -> float:
        return sum(map(len, self.texts)) / max(len(self.texts), 1)

    def kind(self) -> str:
        """"passages" when documents are long on average, else "questions"."""
        return "passages" if self.mean_chars >= PASSAGE_MEAN_CHARS else "questions"


def _lines(path: Path) -> list[dict]:
    if not path.is_file():
        raise DatasetError(f"{path} does not exist")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{number}: not JSON ({exc.msg})") from exc
    return rows


def load_corpus(path: Path) -> Corpus:
    """Read a corpus file; a "title" field, when present, is put before the text."""
    ids, texts = [], []
    for row in _lines(Path(path)):
        if "id" not in row or "text" not in row:
            raise DatasetError(f"{path}: every corpus line needs 'id' and 'text'")
        title = str(row.get("title") or "").strip()
        ids.append(str(row["id"]))
        texts.append(f"{title} {row['text']}" if title else str(row["text"]))
    return Corpus(ids, texts)


def load_queries(path: Path) -> list[Query]:
    """Read a query file; queries without relevant ids are dropped (nothing to score)."""
    queries = []
    for row in _lines(Path(path)):
        if "id" not in row or "text" not in row:
            raise DatasetError(f"{path}: every query line needs 'id' and 'text'")
        relevant = frozenset(str(r) for r in row.get("relevant_ids") or [])
        if relevant:
            queries.append(Query(str(row["id"]), str(row["text"]), relevant))
    return queries


def in_training_half(query_id: str) -> bool:
    """Fixed split of a valid file into halves: True for the half that training may use.

    The other half ("tune") is the only one fusion weights are tuned and valid figures reported on,
    so tuning never sees a query whose pairs a model was trained on.
    """
    return hashlib.sha1(f"train-half:{query_id}".encode()).digest()[0] % 2 == 0


def split_valid(queries: list[Query]) -> tuple[list[Query], list[Query]]:
    """(training half, tuning half) of valid queries, by a hash of their ids."""
    train = [q for q in queries if in_training_half(q.id)]
    tune = [q for q in queries if not in_training_half(q.id)]
    return train, tune


def file_sha256(path: Path) -> str:
    """Hex sha256 of a data file (recorded in model manifests)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
