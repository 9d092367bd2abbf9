"""Tune the fusion weights per collection kind on validation queries only; never on test queries.

For every public set of a kind, each ranker's raw scores over the candidates are computed once
(all rankers on, the production encoder for that kind), then every weight combination of the grid
is fused and scored. Queries: the tuning half of queries_valid.jsonl where the other half trained a
model (knowledge.beir.split_valid), the whole valid file otherwise (InsuranceQA: trained on its
train file). The objective is the geometric mean over sets of MRR@10(weights) / MRR@10(BM25 words),
so no set dominates; "lexical only" (dense 0) is part of the grid.

Results of one kind are merged into bench/results/retrieval_tune.json, so the kinds can be tuned apart.
The question weights also rank the knowledge base's similar questions, so `--devset-guard` scores the
team dev set (hit@3) with the ten best rows and with the weights in fusion.yml, and chooses the best
row that does not lower hit@3 (the current weights when none qualifies).

Usage: python -m bench.retrieval_tune [--kind questions|passages] [--sets a,b] [--write] [--devset-guard] | --report-only
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re

import numpy as np

from bench.report import RESULTS_DIR, save_json, update_section
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


def _scaled_sum(parts: dict[str, np.ndarray], weights: Weights, scale) -> np.ndarray:  # noqa: ANN001
    """Weighted sum of each switched-on ranker's scores after ``scale`` (values → values)."""
    total = np.zeros(len(next(iter(parts.values()))))
    for ranker, values in parts.items():
        if weights.of(ranker):
            total += weights.of(ranker) * scale(values)
    return total


def _min_max(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def _z_scores(values: np.ndarray) -> np.ndarray:
    spread = float(values.std())
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


def _reciprocal_ranks(values: np.ndarray, k: int = 60) -> np.ndarray:
    ranks = np.empty(len(values))
    ranks[np.argsort(-values, kind="stable")] = np.arange(1, len(values) + 1)
    return 1.0 / (k + ranks)


def minmax_fuse(parts: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    """Alternative tried: each ranker scaled to [0, 1] over the candidates."""
    return _scaled_sum(parts, weights, _min_max)


def zscore_fuse(parts: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    """Alternative tried: each ranker standardised (mean 0, deviation 1) over the candidates."""
    return _scaled_sum(parts, weights, _z_scores)


def reciprocal_rank_fuse(parts: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    """Alternative tried: weighted reciprocal-rank fusion (1 / (60 + rank) per ranker)."""
    return _scaled_sum(parts, weights, _reciprocal_ranks)


#: Other ways to combine the same candidates, scored on the 30 best weight rows (not used in production
#: unless one wins; knowledge/fusion.py divides each ranker by its top score).
ALTERNATIVES = {"min-max scaling": minmax_fuse, "z-scores": zscore_fuse, "reciprocal-rank fusion": reciprocal_rank_fuse}


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


def _ratio(scores: dict[str, float], baseline: dict[str, float]) -> float:
    """The objective: geometric mean over the sets of MRR@10 / BM25-words MRR@10."""
    return math.exp(np.mean([math.log(max(scores[n], 1e-9) / baseline[n]) for n in scores]))


def tune(kind: str, only: set[str] | None = None) -> dict:
    """Score the whole grid on every set of ``kind`` (or those of ``only``); return the table and the best weights."""
    per_set = {}
    for set_name, set_kind in beir.PUBLIC_SETS.items():
        if set_kind != kind or (only and set_name not in only):
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
        ratio = _ratio(scores, baseline)
        table.append({"weights": vars(weights).copy(), "mrr@10": scores, "ratio": ratio})
    table.sort(key=lambda row: -row["ratio"])
    lexical = [row for row in table if row["weights"]["dense"] == 0]
    alternatives = {}
    for label, combine in ALTERNATIVES.items():
        rows = []
        for row in table[:30]:
            weights = Weights(**row["weights"])
            scores = {name: mrr(parts, rel, weights, combine) for name, (parts, rel) in per_set.items()}
            ratio = _ratio(scores, baseline)
            rows.append({"weights": row["weights"], "mrr@10": scores, "ratio": ratio})
        alternatives[label] = max(rows, key=lambda row: row["ratio"])
    return {"kind": kind, "model": model, "bm25_mrr@10": baseline, "best": table[0], "best_lexical": lexical[0],
            "top": table[:10], "alternatives": alternatives, "queries": {n: len(rel) for n, (_, rel) in per_set.items()}}


def devset_guard(result: dict) -> dict:
    """Dev-set hit@3 of the ten best question weights and of fusion.yml's; the best that keeps hit@3."""
    from knowledge import devset, fusion
    from knowledge.encoder import Encoder
    from knowledge.entries import load_entries
    from knowledge.evaluate import VECTOR_CACHE_DIR
    from knowledge.search import KnowledgeSearch
    from knowledge.vector_cache import VectorCache

    original = FUSION_FILE.read_text(encoding="utf-8")
    current = vars(fusion.weights_for("questions")).copy()
    encoder = Encoder()
    cache = VectorCache(VECTOR_CACHE_DIR / "knowledge_base", encoder)
    items = devset.load_devset()
    rows = [{"weights": current, "ratio": None, "current": True}, *result["top"]]
    try:
        for row in rows:
            write_weights("questions", row["weights"])
            fusion._configured.cache_clear()
            outcomes = devset.run(KnowledgeSearch(load_entries(), encoder, cache), items)
            row["devset_hit@3"] = devset.scores(outcomes, 0.5)["hit@3"]
            row["devset_hit@1"] = devset.scores(outcomes, 0.5)["hit@1"]
    finally:
        FUSION_FILE.write_text(original, encoding="utf-8")
        fusion._configured.cache_clear()
    floor = rows[0]["devset_hit@3"]
    keeping = [row for row in rows[1:] if row["devset_hit@3"] >= floor]
    return {"rows": rows, "chosen": keeping[0] if keeping else rows[0]}


def write_weights(kind: str, weights: dict) -> None:
    """Replace the ``kind`` line of fusion.yml's `hybrid:` block, keeping the file's comments."""
    text = FUSION_FILE.read_text(encoding="utf-8")
    line = f"  {kind}: {{dense: {weights['dense']}, words: {weights['words']}, chars: {weights['chars']}}}"
    text, count = re.subn(rf"^  {kind}: \{{[^}}]*\}}$", line, text, count=1, flags=re.M)
    if count != 1:
        raise ValueError(f"no `{kind}:` weights line in {FUSION_FILE}")
    FUSION_FILE.write_text(text, encoding="utf-8")


def report(results: dict) -> str:
    """The `retrieval_tune` section of BENCHMARKS.md: the best weights, their valid figures, what fusion.yml has."""
    from knowledge.fusion import weights_for

    lines = ["## Fusion weights, tuned on valid queries only (issue 3)", "",
             "`python -m bench.retrieval_tune --write`: every weight combination of the grid "
             f"{list(GRID)} per ranker, scored by MRR@10 on the tuning queries (the half of queries_valid.jsonl "
             "not used for training; all of it for InsuranceQA-zh, whose train file trained the encoder); objective: "
             "geometric mean over the sets of a kind of MRR@10 / BM25-words MRR@10. Kinds without a row were not "
             "tuned in this session.",
             "", "| kind | set | tuning queries | bm25 | best lexical only | best hybrid | its weights (dense, words, chars) |",
             "|---|---|---|---|---|---|---|"]
    for kind, r in results.items():
        chosen = r.get("chosen", r["best"])
        w = chosen["weights"]
        for name, base in r["bm25_mrr@10"].items():
            valid = chosen.get("mrr@10", {}).get(name)
            lines.append(f"| {kind} | {name} | {r['queries'][name]} | {base:.3f} | {r['best_lexical']['mrr@10'][name]:.3f} | "
                         f"**{valid:.3f}** | {w['dense']}, {w['words']}, {w['chars']} |" if valid is not None else
                         f"| {kind} | {name} | {r['queries'][name]} | {base:.3f} | {r['best_lexical']['mrr@10'][name]:.3f} | "
                         f"(not scored) | {w['dense']}, {w['words']}, {w['chars']} |")
    for kind, r in results.items():
        configured = vars(weights_for(kind)).copy()
        chosen = r.get("chosen", r["best"])["weights"]
        if {k: float(v) for k, v in configured.items()} != {k: float(v) for k, v in chosen.items()}:
            lines += ["", f"knowledge/fusion.yml keeps other {kind} weights: {configured}; its comment gives the "
                      "dev-set measurement that decided it (section \"Dev set\")."]
        if "devset_guard" in r:
            lines += ["", f"Dev-set guard ({kind}): hit@3 / hit@1 of the team dev set (threshold-free) per candidate; "
                      "the first row is the weights fusion.yml had before this run.", "",
                      "| weights (dense, words, chars) | valid ratio | dev hit@3 | dev hit@1 |", "|---|---|---|---|"]
            for row in r["devset_guard"]["rows"]:
                w = row["weights"]
                ratio = f"×{row['ratio']:.2f}" if row["ratio"] else "current"
                lines.append(f"| {w['dense']}, {w['words']}, {w['chars']} | {ratio} | "
                             f"{row['devset_hit@3']:.3f} | {row['devset_hit@1']:.3f} |")
    lines += ["", "Encoder: " + ", ".join(f"{kind} `{r['model']}`" for kind, r in results.items()) + " (vector-cache key).",
              "", "Other ways to combine the rankers, tried on the 30 best weight rows instead of dividing each by its top "
              "score (best ratio each, against the production fusion's):"]
    for kind, r in results.items():
        lines.append(f"- {kind}: production ×{r['best']['ratio']:.2f}; "
                     + "; ".join(f"{label} ×{row['ratio']:.2f}" for label, row in r["alternatives"].items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["questions", "passages"], action="append")
    parser.add_argument("--sets", help="comma-separated subset of the public sets (default: all of the kind)")
    parser.add_argument("--devset-guard", action="store_true",
                        help="questions: choose among the best rows by the team dev set's hit@3 (see above)")
    parser.add_argument("--report-only", action="store_true", help="rewrite the BENCHMARKS section from the saved JSON")
    parser.add_argument("--write", action="store_true", help="write the best weights into knowledge/fusion.yml")
    args = parser.parse_args()
    if not beir.benchmarks_dir().is_dir():
        print(f"skipped: no public sets at {beir.benchmarks_dir()}")
        return
    if args.report_only:
        update_section("retrieval_tune", report(json.loads((RESULTS_DIR / "retrieval_tune.json").read_text(encoding="utf-8"))), remeasured=False)
        return
    results = {}
    for kind in args.kind or ["questions", "passages"]:
        result = tune(kind, set(args.sets.split(",")) if args.sets else None)
        results[kind] = result
        print(f"{kind} ({result['model']}): BM25 {result['bm25_mrr@10']}")
        for row in result["top"][:5]:
            print(f"  {row['weights']}  ×{row['ratio']:.2f}  {({k: round(v, 3) for k, v in row['mrr@10'].items()})}")
        lexical = result["best_lexical"]
        print(f"  best lexical only {lexical['weights']} ×{lexical['ratio']:.2f}")
        for label, alt in result["alternatives"].items():
            print(f"  {label} instead (tried): {alt['weights']} ×{alt['ratio']:.2f}")
        chosen = result["best"]
        if kind == "questions" and args.devset_guard:
            result["devset_guard"] = devset_guard(result)
            chosen = result["devset_guard"]["chosen"]
            for row in result["devset_guard"]["rows"]:
                print(f"  dev set {row['weights']}: hit@3 {row['devset_hit@3']:.3f} hit@1 {row['devset_hit@1']:.3f}")
            print(f"  chosen with the dev-set guard: {chosen['weights']}")
        result["chosen"] = chosen
        if args.write:
            write_weights(kind, chosen["weights"])
    path = RESULTS_DIR / "retrieval_tune.json"
    merged = {**(json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}), **results}
    save_json("retrieval_tune", merged)
    update_section("retrieval_tune", report(merged))


if __name__ == "__main__":
    main()
