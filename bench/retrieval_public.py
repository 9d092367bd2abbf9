"""Retrieval quality on the four public Chinese sets: bm25, lexical, dense and hybrid in one run.

Runs the production pipeline (knowledge.evaluate) on each set's test queries (queries.jsonl, never
tuned on) and on its tuning queries (bench.retrieval_tune.tuning_queries), writes
bench/results/retrieval_public.{json,png} and the `retrieval_public` section of BENCHMARKS.md.
Target (issue 3): hybrid MRR@10 / bm25 MRR@10 on test ≥ 2.0 AFQMC, 1.5 CHIP2019, 1.5 InsuranceQA-zh,
1.3 med-dialogue, and never below 1.0. Skips cleanly when ../shared/benchmarks is absent.

Usage: python -m bench.retrieval_public [--sets a,b] [--base]   (--base adds the untrained encoder)
"""

from __future__ import annotations

import argparse
import time

from bench.report import RESULTS_DIR, save_json, update_section
from bench.retrieval_tune import TRAINED_ON_VALID, tuning_queries
from knowledge import beir
from knowledge.charts import grouped_bars
from knowledge.encoder import DEFAULT_MODEL_DIR, Encoder
from knowledge.evaluate import MODES, Evaluation, cache_dir_for

TARGETS = {"insuranceqa_zh": 1.5, "chip2019_med_qq": 1.5, "afqmc_fin_qq": 2.0, "med_dialogue_im": 1.3}
PUBLISHED_BM25 = {"insuranceqa_zh": 0.208, "chip2019_med_qq": 0.208, "afqmc_fin_qq": 0.157, "med_dialogue_im": 0.174}


def measure_set(set_name: str, base: bool) -> dict:
    """All modes on test and on the tuning queries of one set (plus the untrained encoder if asked)."""
    folder = beir.benchmarks_dir() / set_name
    corpus = beir.load_corpus(folder / "corpus.jsonl")
    kind = beir.PUBLIC_SETS[set_name]
    started = time.perf_counter()
    evaluation = Evaluation(corpus, kind, cache_dir=cache_dir_for(folder / "corpus.jsonl"))
    splits = {"test": beir.load_queries(folder / "queries.jsonl"), "valid": tuning_queries(set_name)}
    out: dict = {"kind": kind, "corpus": len(corpus), "queries": {k: len(v) for k, v in splits.items()}}
    for split, queries in splits.items():
        out[split] = {}
        for mode in MODES:
            result = evaluation.run(queries, mode)
            out[split][mode] = {**result.as_json(), "model": result.model, **result.extra}
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["encode_seconds"] = round(evaluation.encode_seconds or 0.0, 1)
    out["encoded_now"] = evaluation.encoded_now
    if base:
        untrained = Evaluation(corpus, kind, Encoder(DEFAULT_MODEL_DIR), cache_dir_for(folder / "corpus.jsonl"))
        out["untrained"] = {
            split: {mode: untrained.run(queries, mode).as_json() for mode in ("dense", "hybrid")}
            for split, queries in splits.items()
        }
    test = out["test"]
    out["ratio"] = round(test["hybrid"]["mrr@10"] / test["bm25"]["mrr@10"], 2)
    out["target"] = TARGETS[set_name]
    return out


def _table(name: str, result: dict) -> str:
    rows = ["| split | mode | R@1 | R@5 | R@10 | MRR@10 | nDCG@10 | p50 ms | p95 ms | model |", "|---|---|---|---|---|---|---|---|---|---|"]
    for split in ("test", "valid"):
        for mode, m in result[split].items():
            rows.append(
                f"| {split} | {mode} | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['recall@10']:.3f} | "
                f"**{m['mrr@10']:.3f}** | {m['ndcg@10']:.3f} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | {m.get('model') or '-'} |"
            )
        for mode, m in result.get("untrained", {}).get(split, {}).items():
            rows.append(f"| {split} | {mode} (untrained) | {m['recall@1']:.3f} | {m['recall@5']:.3f} | {m['recall@10']:.3f} | "
                        f"{m['mrr@10']:.3f} | {m['ndcg@10']:.3f} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | roformer-sim-small |")
    valid = "tuning half of queries_valid.jsonl" if name in TRAINED_ON_VALID else "all of queries_valid.jsonl"
    q = result["queries"]
    return (f"### {name} ({result['kind']}, {result['corpus']:,} documents)\n\n"
            f"Test: {q['test']} queries (queries.jsonl). Valid: {q['valid']} queries ({valid}).\n\n" + "\n".join(rows))


def report(results: dict) -> str:
    """The BENCHMARKS.md section body."""
    summary = ["| set | bm25 MRR@10 (published) | hybrid MRR@10 | ratio | target | verdict |", "|---|---|---|---|---|---|"]
    for name, r in results.items():
        verdict = "met" if r["ratio"] >= r["target"] else "**NOT met**"
        summary.append(f"| {name} | {r['test']['bm25']['mrr@10']:.3f} ({PUBLISHED_BM25[name]}) | "
                       f"{r['test']['hybrid']['mrr@10']:.3f} | ×{r['ratio']:.2f} | ×{r['target']} | {verdict} |")
    body = [
        "## Retrieval on public Chinese sets (issue 3)",
        "",
        "`python -m bench.retrieval_public`: the production pipeline (normalise → Collection with the weights of "
        "`knowledge/fusion.yml`) on each set, every mode in the same run. bm25 = BM25 (k1 1.5, b 0.75) over the "
        "project's jieba words (user dictionary, synonyms, stopwords dropped); lexical = words + characters; "
        "dense = the trained encoder of the collection kind alone; hybrid = the tuned fusion. Latencies are per "
        "query on one torch thread while other jobs (Rasa training, tests) shared the 2 cores: expect noise.",
        "",
        "Test figures (queries.jsonl, never tuned on): hybrid MRR@10 against bm25 MRR@10.",
        "",
        *summary,
        "",
        "Chart: `bench/results/retrieval_public.png`. Published BM25 figures were measured on the full query sets "
        "with a plain jieba setup; ours differ slightly because of our segmentation and normalisation.",
        "",
    ]
    for name, r in results.items():
        body += [_table(name, r), ""]
    return "\n".join(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", help="comma-separated subset of the public sets")
    parser.add_argument("--base", action="store_true", help="also score the untrained encoder")
    args = parser.parse_args()
    if not beir.benchmarks_dir().is_dir():
        print(f"skipped: no public sets at {beir.benchmarks_dir()}")
        return
    names = args.sets.split(",") if args.sets else list(beir.PUBLIC_SETS)
    results = {}
    for name in names:
        results[name] = measure_set(name, args.base)
        print(name, {m: round(v["mrr@10"], 3) for m, v in results[name]["test"].items()}, f"×{results[name]['ratio']}")
    save_json("retrieval_public", results)
    for split in ("test", "valid"):
        groups = {name: {mode: r[split][mode]["mrr@10"] for mode in MODES} for name, r in results.items()}
        grouped_bars(groups, RESULTS_DIR / f"retrieval_public_{split}.png", f"MRR@10 by mode ({split})", ylabel="MRR@10")
    if set(names) == set(beir.PUBLIC_SETS):
        update_section("retrieval_public", report(results))


if __name__ == "__main__":
    main()
