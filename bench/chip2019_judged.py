"""CHIP2019 with relevance judged by hand: how much of the gap to the target is the labels, not the ranking.

The set's relevance is the closure of 10,000 labelled pairs, so most queries have one labelled match
while the corpus holds other questions that ask the same thing, unlabelled (its SOURCE.md says so).
bench/data/chip2019_judged.yml records, for a random sample of tuning queries, whether the top result of
BM25 and of the hybrid pipeline asks the same question when the set does not label it. This script ranks
those queries again with the production pipeline and scores the top result two ways: by the set's labels
only, and by labels or judgment. A top result nobody judged yet is counted and listed, never guessed.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.report import RESULTS_DIR, save_json, update_section
from knowledge import beir
from knowledge.charts import grouped_bars
from knowledge.encoder import use_threads
from knowledge.evaluate import QUERY_THREADS, Evaluation, cache_dir_for
from knowledge.fusion import weights_for

JUDGED_FILE = Path(__file__).parent / "data" / "chip2019_judged.yml"
SET_NAME = "chip2019_med_qq"
MODES = ("bm25", "hybrid")


@dataclass(frozen=True)
class JudgedQuery:
    """A query with its labelled relevant ids and hand judgments of other documents (id → same question)."""

    id: str
    text: str
    relevant: frozenset[str]
    judged: dict[str, bool]


def load_judgments(path: Path = JUDGED_FILE, queries: list[beir.Query] | None = None) -> list[JudgedQuery]:
    """Judged queries of ``path``, with their labels from the set's valid file (or ``queries``)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if queries is None:
        queries = beir.load_queries(beir.benchmarks_dir() / raw["set"] / "queries_valid.jsonl")
    labels = {q.id: q.relevant for q in queries}
    out = []
    for row in raw["queries"]:
        judged = {doc: bool(value["same_question"]) for doc, value in (row.get("judged") or {}).items()}
        out.append(JudgedQuery(row["query"], row["text"], labels[row["query"]], judged))
    return out


def score_top(top: list[str | None], queries: list[JudgedQuery]) -> dict:
    """hit@1 by labels and by labels-or-judgment; top results with neither are 'unjudged'."""
    labelled = judged = 0
    unjudged = []
    for doc, query in zip(top, queries, strict=True):
        if doc in query.relevant:
            labelled += 1
            judged += 1
        elif doc is not None and doc in query.judged:
            judged += query.judged[doc]
        elif doc is not None:
            unjudged.append({"query": query.id, "document": doc})
    count = len(queries)
    return {
        "labelled_hit@1": round(labelled / count, 3),
        "judged_hit@1": round(judged / count, 3),
        "unjudged": unjudged,
    }


def measure(queries: list[JudgedQuery]) -> dict:
    """Rank the judged queries with each mode of the production pipeline and score the top result."""
    folder = beir.benchmarks_dir() / SET_NAME
    corpus = beir.load_corpus(folder / "corpus.jsonl")
    evaluation = Evaluation(corpus, "questions", cache_dir=cache_dir_for(folder / "corpus.jsonl"), show_progress=False)
    results = {}
    for mode in MODES:
        collection, _ = evaluation.collection(weights_for("questions", mode))
        use_threads(QUERY_THREADS)
        top = [next(iter(evaluation.top_ids(collection, query.text, k=1)), None) for query in queries]
        results[mode] = score_top(top, queries)
    for key in ("labelled_hit@1", "judged_hit@1"):
        bm25 = results["bm25"][key]
        results[f"ratio_{key}"] = round(results["hybrid"][key] / bm25, 2) if bm25 else None
    return {"queries": len(queries), "judgments": sum(len(q.judged) for q in queries), **results}


def report(result: dict) -> str:
    """The BENCHMARKS.md section."""
    rows = "\n".join(
        f"| {mode} | {result[mode]['labelled_hit@1']:.3f} | {result[mode]['judged_hit@1']:.3f} | {len(result[mode]['unjudged'])} |"
        for mode in MODES
    )
    return f"""## CHIP2019 with relevance judged by hand (issue 3)

`python -m bench.chip2019_judged`: {result['queries']} random queries of the CHIP2019 tuning half
(bench/data/chip2019_judged.yml, {result['judgments']} judgments). The top result of each ranker counts
once by the set's labels alone and once by labels or hand judgment ("asks the same question"; rule and
caveats at the top of the file). Load average {result['load_average'][0]}/{result['load_average'][1]}.

| mode | hit@1, labels | hit@1, labels or judged | top results not judged |
|---|---|---|---|
{rows}

Hybrid / BM25: ×{result['ratio_labelled_hit@1']} by the labels, ×{result['ratio_judged_hit@1']} with the judgments.
Chart: `bench/results/chip2019_judged.png`.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report-only", action="store_true", help="rewrite the BENCHMARKS section from the saved JSON")
    args = parser.parse_args()
    path = RESULTS_DIR / "chip2019_judged.json"
    if args.report_only:
        update_section("chip2019_judged", report(json.loads(path.read_text(encoding="utf-8"))), remeasured=False)
        return
    if not (beir.benchmarks_dir() / SET_NAME).is_dir():
        print(f"skipped: no {SET_NAME} at {beir.benchmarks_dir()}")
        return
    load = [round(os.getloadavg()[0], 2)]
    result = measure(load_judgments())
    result["load_average"] = [*load, round(os.getloadavg()[0], 2)]
    save_json("chip2019_judged", result)
    groups = {label: {mode: result[mode][key] for mode in MODES}
              for label, key in (("labels", "labelled_hit@1"), ("labels or judged", "judged_hit@1"))}
    grouped_bars(groups, RESULTS_DIR / "chip2019_judged.png", "CHIP2019 hit@1, judged sample", ylabel="hit@1")
    update_section("chip2019_judged", report(result))
    for mode in MODES:
        print(mode, {k: v for k, v in result[mode].items() if k != "unjudged"}, f"unjudged {len(result[mode]['unjudged'])}")


if __name__ == "__main__":
    main()
