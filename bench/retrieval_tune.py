"""Tune the fusion weights per collection kind on validation queries only; never on test queries.

For every public set of a kind, each ranker's raw scores over the candidates are computed once
(all rankers on, the production encoder for that kind), then every weight combination of the grid
is fused and scored. Queries: the tuning half of queries_valid.jsonl where the other half trained a
model (knowledge.beir.split_valid), the whole valid file otherwise (InsuranceQA: trained on its
train file). The objective is the geometric mean over sets of MRR@10(weights) / MRR@10(BM25 words),
so no set dominates; "lexical only" (dense 0) is part of the grid.

Usage: python -m bench.retrieval_tune [--kind questions|passages] [--write]
"""

from __future__ import annotations

import argparse
import itertools
import math
import re

import numpy as np

from bench.report import save_json, update_section
from knowledge import beir, metrics
from knowledge.evaluate import Evaluation, cache_dir_for, candidate_parts
from knowledge.fusion import FUSION_FILE, Weights, fuse

GRID = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0)
#: Sets whose valid file had its training half used to train a model (only the other half tunes).
TRAINED_ON_VALID = {"chip2019_med_qq", "afqmc_fin_qq", "med_dialogue_im"}


def tuning_queries(set_name: str) -> list[beir.Query]:
    """The valid queries a set may be tuned on (see the module docstring)."""
    queries = beir.load_queries(beir.benchmarks_dir() / set_name / "queries_valid.jsonl")
    return beir.split_valid(queries)[1] if set_name in TRAINED_ON_VALID else queries


def minmax_fuse(parts: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    """Alternative tried against the production fusion: each ranker scaled to [0, 1] over the candidates."""
    total = np.zeros(len(next(iter(parts.values()))))
    for ranker, values in parts.items():
        low, high = float(values.min()), float(values.max())
        if weights.of(ranker) and high > low:
            total += weights.of(ranker) * (values - low) / (high - low)
    return total


def mrr(parts_per_query: list, relevants: list, weights: Weights, combine=fuse) -> float:  # noqa: ANN001
    """MRR@10 of the fused ranking with ``weights`` over precomputed candidates."""
    rankings = []
    for ids, parts in parts_per_query:
        if not ids:
            rankings.append([])
            continue
        fused = combine(parts, weights)
        rankings.append([ids[i] for i in np.argsort(-fused, kind="stable")[:10]])
    return metrics.summarise(rankings, relevants)["mrr@10"]


def tune(kind: str) -> dict:
    """Score the whole grid on every set of ``kind``; return the table and the best weights."""
    per_set = {}
    for set_name, set_kind in beir.PUBLIC_SETS.items():
        if set_kind != kind:
            continue
        corpus_path = beir.benchmarks_dir() / set_name / "corpus.jsonl"
        evaluation = Evaluation(beir.load_corpus(corpus_path), kind, cache_dir=cache_dir_for(corpus_path))
        queries = tuning_queries(set_name)
        per_set[set_name] = (candidate_parts(evaluation, queries), [q.relevant for q in queries])
        model = evaluation.get_encoder().path.name
    baseline = {name: mrr(parts, rel, Weights(0.0, 1.0, 0.0)) for name, (parts, rel) in per_set.items()}
    table = []
    for dense, words, chars in itertools.product(GRID, GRID, GRID):
        if dense + words + chars == 0 or (dense and dense != 1.0 and words + chars == 0):
            continue  # all off, or a scaled copy of dense alone
        weights = Weights(dense, words, chars)
        scores = {name: mrr(parts, rel, weights) for name, (parts, rel) in per_set.items()}
        ratio = math.exp(np.mean([math.log(max(scores[n], 1e-9) / baseline[n]) for n in scores]))
        table.append({"weights": vars(weights).copy(), "mrr@10": scores, "ratio": ratio})
    table.sort(key=lambda row: -row["ratio"])
    lexical = [row for row in table if row["weights"]["dense"] == 0]
    minmax = []
    for row in table[:30]:
        weights = Weights(**row["weights"])
        scores = {name: mrr(parts, rel, weights, minmax_fuse) for name, (parts, rel) in per_set.items()}
        ratio = math.exp(np.mean([math.log(max(scores[n], 1e-9) / baseline[n]) for n in scores]))
        minmax.append({"weights": row["weights"], "mrr@10": scores, "ratio": ratio})
    minmax.sort(key=lambda row: -row["ratio"])
    return {"kind": kind, "model": model, "bm25_mrr@10": baseline, "best": table[0], "best_lexical": lexical[0],
            "top": table[:10], "minmax_best": minmax[0], "queries": {n: len(rel) for n, (_, rel) in per_set.items()}}


def write_weights(kind: str, weights: dict) -> None:
    """Replace the ``kind`` line of fusion.yml's `hybrid:` block, keeping the file's comments."""
    text = FUSION_FILE.read_text(encoding="utf-8")
    line = f"  {kind}: {{dense: {weights['dense']}, words: {weights['words']}, chars: {weights['chars']}}}"
    text, count = re.subn(rf"^  {kind}: \{{[^}}]*\}}$", line, text, count=1, flags=re.M)
    if count != 1:
        raise ValueError(f"no `{kind}:` weights line in {FUSION_FILE}")
    FUSION_FILE.write_text(text, encoding="utf-8")


def report(results: dict, written: bool) -> str:
    """The `retrieval_tune` section of BENCHMARKS.md: the chosen weights and their valid figures."""
    lines = ["## Fusion weights, tuned on valid queries only (issue 3)", "",
             "`python -m bench.retrieval_tune --write`: every weight combination of the grid "
             f"{list(GRID)} per ranker, scored by MRR@10 on the tuning queries (the half of queries_valid.jsonl "
             "not used for training; all of it for InsuranceQA-zh, whose train file trained the encoder); objective: "
             "geometric mean over the sets of a kind of MRR@10 / BM25-words MRR@10. "
             + ("The best weights were written to knowledge/fusion.yml." if written else "fusion.yml was not changed."),
             "", "| kind | set | tuning queries | bm25 | best lexical only | chosen hybrid | weights (dense, words, chars) |",
             "|---|---|---|---|---|---|---|"]
    for kind, r in results.items():
        w = r["best"]["weights"]
        for name, base in r["bm25_mrr@10"].items():
            lines.append(f"| {kind} | {name} | {r['queries'][name]} | {base:.3f} | {r['best_lexical']['mrr@10'][name]:.3f} | "
                         f"**{r['best']['mrr@10'][name]:.3f}** | {w['dense']}, {w['words']}, {w['chars']} |")
    lines += ["", "Encoder: " + ", ".join(f"{kind} `{r['model']}`" for kind, r in results.items()) + " (vector-cache key). "
              "Min-max scaling instead of dividing by the top score was tried on the 30 best rows and is not used: "
              + "; ".join(f"{kind} best ×{r['minmax_best']['ratio']:.2f} against ×{r['best']['ratio']:.2f}"
                          for kind, r in results.items()) + "."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["questions", "passages"], action="append")
    parser.add_argument("--write", action="store_true", help="write the best weights into knowledge/fusion.yml")
    args = parser.parse_args()
    if not beir.benchmarks_dir().is_dir():
        print(f"skipped: no public sets at {beir.benchmarks_dir()}")
        return
    results = {}
    for kind in args.kind or ["questions", "passages"]:
        result = tune(kind)
        results[kind] = result
        print(f"{kind} ({result['model']}): BM25 {result['bm25_mrr@10']}")
        for row in result["top"][:5]:
            print(f"  {row['weights']}  ×{row['ratio']:.2f}  {({k: round(v, 3) for k, v in row['mrr@10'].items()})}")
        lexical = result["best_lexical"]
        print(f"  best lexical only {lexical['weights']} ×{lexical['ratio']:.2f}")
        alt = result["minmax_best"]
        print(f"  min-max scaling instead (tried, not used): {alt['weights']} ×{alt['ratio']:.2f}")
        if args.write:
            write_weights(kind, result["best"]["weights"])
    save_json("retrieval_tune", results)
    if set(results) == {"questions", "passages"}:
        update_section("retrieval_tune", report(results, args.write))


if __name__ == "__main__":
    main()
