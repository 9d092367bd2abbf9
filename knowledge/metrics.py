"""Ranking metrics over plain lists of ids: Recall@k, MRR@k, nDCG@k (binary relevance), hit@k."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence


def recall_at(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the relevant ids found in the first ``k``."""
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def hit_at(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1 when any relevant id is in the first ``k``, else 0."""
    return 1.0 if set(ranked[:k]) & set(relevant) else 0.0


def reciprocal_rank_at(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1 / rank of the first relevant id within the first ``k`` (0 when none)."""
    for rank, doc_id in enumerate(ranked[:k], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Normalised discounted cumulative gain of the first ``k`` with binary gains."""
    dcg = sum(1.0 / math.log2(i + 2) for i, doc_id in enumerate(ranked[:k]) if doc_id in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def summarise(rankings: Sequence[Sequence[str]], relevants: Sequence[Collection[str]]) -> dict[str, float]:
    """Mean recall@1/5/10, mrr@10 and ndcg@10 over queries (keys as `yibao kb eval --json` prints them)."""
    if len(rankings) != len(relevants):
        raise ValueError("one ranking per query is needed")
    n = max(len(rankings), 1)
    pairs = list(zip(rankings, relevants, strict=True))
    return {
        "recall@1": sum(recall_at(r, g, 1) for r, g in pairs) / n,
        "recall@5": sum(recall_at(r, g, 5) for r, g in pairs) / n,
        "recall@10": sum(recall_at(r, g, 10) for r, g in pairs) / n,
        "mrr@10": sum(reciprocal_rank_at(r, g, 10) for r, g in pairs) / n,
        "ndcg@10": sum(ndcg_at(r, g, 10) for r, g in pairs) / n,
    }
