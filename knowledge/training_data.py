"""Training pairs for the retrieval models, built reproducibly from data files and the knowledge base.

Each source yields (anchor, positive[, negative]) texts, already normalised as the search normalises
them. Question→passage and question↔question sources train the same encoder, in batches of their own.
Only the training half of a valid file (knowledge.beir.split_valid) is ever used, and InsuranceQA
training questions whose text also occurs among its valid or test questions are left out.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from knowledge import beir, segment
from knowledge.entries import Entry
from knowledge.lexical import LexicalIndex
from knowledge.normalize import normalize_text

#: Hard negatives are drawn from this BM25 rank range (the very top is often an unlabelled answer).
NEGATIVE_RANKS = (2, 30)


@dataclass
class PairSet:
    """Pairs from one source, trained in batches of their own (so in-batch negatives share a domain)."""

    name: str
    pairs: list[tuple[str, ...]]
    files: list[Path] = field(default_factory=list)
    note: str = ""
    symmetric: bool = False  # question↔question: the loss also scores positive → anchor


def _norm(texts: Iterable[str]) -> list[str]:
    return [normalize_text(text) for text in texts]


def mine_negatives(
    anchors: list[str], positives: list[set[int]], corpus: list[str], rng: random.Random, label: str
) -> list[int | None]:
    """For each anchor, a BM25 (words) neighbour in ``corpus`` that is not one of its positives."""
    index = LexicalIndex(segment.words)
    index.build(corpus)
    low, high = NEGATIVE_RANKS
    chosen: list[int | None] = []
    for anchor, gold in tqdm(list(zip(anchors, positives, strict=True)), desc=f"mining negatives ({label})"):
        scores = index.scores(anchor)
        top = np.argsort(-scores)[:high]
        options = [int(p) for p in top[low:] if int(p) not in gold and scores[p] > 0]
        chosen.append(rng.choice(options) if options else None)
    return chosen


def insuranceqa_passages(root: Path, rng: random.Random, negatives: bool, limit: int | None = None) -> PairSet:
    """InsuranceQA train questions (a seeded sample of ``limit`` when given) → one of their answers (+ a BM25 negative)."""
    folder = root / "insuranceqa_zh"
    corpus = beir.load_corpus(folder / "corpus.jsonl")
    texts = _norm(corpus.texts)
    position = {doc_id: i for i, doc_id in enumerate(corpus.ids)}
    held_out = {
        normalize_text(q.text)
        for name in ("queries.jsonl", "queries_valid.jsonl")
        for q in beir.load_queries(folder / name)
    }
    train = beir.load_queries(folder / "queries_train.jsonl")
    kept = [q for q in train if normalize_text(q.text) not in held_out]
    dropped = len(train) - len(kept)
    if limit is not None and len(kept) > limit:
        kept = rng.sample(kept, limit)
    anchors = _norm(q.text for q in kept)
    gold = [{position[r] for r in q.relevant if r in position} for q in kept]
    pairs: list[tuple[str, ...]] = []
    mined = mine_negatives(anchors, gold, texts, rng, "insuranceqa") if negatives else [None] * len(kept)
    for anchor, positions, negative in zip(anchors, gold, mined, strict=True):
        positive = texts[rng.choice(sorted(positions))]
        pairs.append((anchor, positive, texts[negative]) if negative is not None else (anchor, positive))
    note = f"{dropped} training questions dropped: same text as a valid or test question; {len(kept)} used"
    files = [folder / "corpus.jsonl", folder / "queries_train.jsonl", folder / "queries.jsonl", folder / "queries_valid.jsonl"]
    return PairSet("insuranceqa_train", _complete(pairs), files, note)


def valid_half_pairs(root: Path, set_name: str, rng: random.Random, negatives: bool, per_query: int = 4) -> PairSet:
    """Training half of a set's valid queries → up to ``per_query`` relevant documents each."""
    folder = root / set_name
    corpus = beir.load_corpus(folder / "corpus.jsonl")
    texts = _norm(corpus.texts)
    position = {doc_id: i for i, doc_id in enumerate(corpus.ids)}
    train, _ = beir.split_valid(beir.load_queries(folder / "queries_valid.jsonl"))
    anchors = _norm(q.text for q in train)
    gold = [{position[r] for r in q.relevant if r in position} for q in train]
    mined = mine_negatives(anchors, gold, texts, rng, set_name) if negatives else [None] * len(train)
    pairs: list[tuple[str, ...]] = []
    for anchor, positions, negative in zip(anchors, gold, mined, strict=True):
        chosen = sorted(positions)
        rng.shuffle(chosen)
        for p in chosen[:per_query]:
            pairs.append((anchor, texts[p], texts[negative]) if negative is not None else (anchor, texts[p]))
    note = f"training half of queries_valid.jsonl: {len(train)} queries"
    files = [folder / "corpus.jsonl", folder / "queries_valid.jsonl"]
    symmetric = beir.PUBLIC_SETS.get(set_name) == "questions"
    return PairSet(f"{set_name}_valid_train_half", _complete(pairs), files, note, symmetric)


def insuranceqa_paraphrases(root: Path, rng: random.Random) -> PairSet:
    """Pairs of InsuranceQA training questions that share an answer (question↔question)."""
    folder = root / "insuranceqa_zh"
    held_out = {normalize_text(q.text) for n in ("queries.jsonl", "queries_valid.jsonl") for q in beir.load_queries(folder / n)}
    by_answer: dict[str, list[str]] = defaultdict(list)
    for q in beir.load_queries(folder / "queries_train.jsonl"):
        text = normalize_text(q.text)
        if text not in held_out:
            for r in q.relevant:
                by_answer[r].append(text)
    pairs = []
    for answer in sorted(by_answer):
        group = sorted(set(by_answer[answer]))
        rng.shuffle(group)
        pairs.extend((a, b) for a, b in zip(group, group[1:], strict=False))
    note = "train questions sharing an answer"
    return PairSet("insuranceqa_paraphrases", pairs, [folder / "queries_train.jsonl"], note, symmetric=True)


def kb_passages(entries: list[Entry]) -> PairSet:
    """The knowledge base's similar questions (and titles) → their entry's passage."""
    pairs = []
    for entry in entries:
        passage = normalize_text(f"{entry.title} {entry.answer}")
        pairs.extend((normalize_text(q), passage) for q in (entry.title, *entry.questions))
    return PairSet("knowledge_base_passages", pairs, note=f"{len(entries)} published entries")


def kb_questions(entries: list[Entry], rng: random.Random) -> PairSet:
    """Pairs of similar questions of the same entry (each question once, chained in a shuffled order)."""
    pairs = []
    for entry in entries:
        group = sorted({normalize_text(q) for q in (entry.title, *entry.questions)})
        rng.shuffle(group)
        pairs.extend((a, b) for a, b in zip(group, group[1:], strict=False))
    return PairSet("knowledge_base_questions", pairs, note=f"{len(entries)} published entries", symmetric=True)


def _complete(pairs: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Drop pairs whose anchor or positive is empty."""
    return [pair for pair in pairs if pair[0] and pair[1]]


def batches(
    sets: list[PairSet], batch_size: int, rng: random.Random, repeats: Callable[[str], int] | None = None
) -> list[tuple[str, list[tuple[str, ...]]]]:
    """Shuffled batches, each from one source and without a repeated text (in-batch negatives stay true)."""
    out: list[tuple[str, list[tuple[str, ...]]]] = []
    for pair_set in sets:
        for _ in range(repeats(pair_set.name) if repeats else 1):
            pending = list(pair_set.pairs)
            rng.shuffle(pending)
            while pending:
                batch, seen, rest = [], set(), []
                for pair in pending:
                    if len(batch) < batch_size and not seen.intersection(pair):
                        batch.append(pair)
                        seen.update(pair)
                    else:
                        rest.append(pair)
                if len(batch) < 2:
                    break
                out.append((pair_set.name, batch))
                pending = rest
    rng.shuffle(out)
    return out
