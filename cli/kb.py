"""`yibao kb`: check, search, evaluate the retrieval pipeline and train its encoders."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from knowledge.entries import EntryError, base_problems, load_entries
from knowledge.fusion import MODES

REPO_ROOT = Path(__file__).resolve().parent.parent


@click.group("kb")
def group() -> None:
    """Knowledge base: check, search, evaluate."""


@group.command("check")
def check() -> None:
    """Validate every entry file and the base's content rules (FORMAT.md); exit 1 listing the problems."""
    try:
        entries = load_entries()
    except EntryError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    problems = base_problems(entries)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(1)
    topics = {entry.topic for entry in entries}
    click.echo(f"{len(entries)} entries over {len(topics)} topics: ok")


@group.command("search")
@click.argument("question")
@click.option("--region", help="The resident's region (name or code).")
@click.option("-k", default=5, show_default=True)
def search(question: str, region: str | None, k: int) -> None:
    """Show the ranked entries for QUESTION, with scores and the confidence of the first."""
    from knowledge.encoder import Encoder
    from knowledge.search import KnowledgeSearch
    from knowledge.vector_cache import VectorCache
    from service.settings import Settings

    encoder = Encoder()
    cache = VectorCache(Settings().index_dir, encoder) if encoder.available else None
    engine = KnowledgeSearch(load_entries(), encoder, cache)
    for rank, hit in enumerate(engine.search(question, region=region, k=k), start=1):
        confidence = f"  confidence {hit.confidence:.2f}" if rank == 1 else ""
        click.echo(f"{rank}. {hit.entry.id}  {hit.score:.3f}{confidence}  《{hit.entry.title}》（{hit.entry.citation}）")


@group.command("eval")
@click.option("--corpus", "corpus_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--queries", "queries_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mode", type=click.Choice([*MODES, "all"]), default="hybrid", show_default=True)
@click.option("--corpus-kind", type=click.Choice(["questions", "passages"]), help="Default: from mean text length.")
@click.option("--model", "model_path", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Encoder folder (default: the model configured for the corpus kind).")
@click.option("--no-cache", is_flag=True, help="Encode the corpus again instead of reading cached vectors.")
@click.option("--json", "as_json", is_flag=True, help="End the output with one line of JSON.")
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False, path_type=Path),
              help="PNG comparing the modes run (default var/reports/eval-<set>-<queries>.png).")
def evaluate(corpus_path: Path, queries_path: Path, mode: str, corpus_kind: str | None, model_path: Path | None,
             no_cache: bool, as_json: bool, chart_path: Path | None) -> None:
    """Score the production retrieval pipeline on a BEIR-style CORPUS and QUERIES file.

    Prints Recall@1/5/10, MRR@10, nDCG@10 and per-query latency (p50/p95) for each mode; "all" runs
    bm25 (plain BM25 over jieba words, the baseline), lexical, dense and hybrid on the same index.
    """
    from knowledge.beir import DatasetError, load_corpus, load_queries
    from knowledge.charts import modes_chart
    from knowledge.encoder import Encoder, ModelMissing
    from knowledge.evaluate import Evaluation, cache_dir_for

    try:
        corpus, queries = load_corpus(corpus_path), load_queries(queries_path)
        evaluation = Evaluation(corpus, corpus_kind, Encoder(model_path) if model_path else None,
                                None if no_cache else cache_dir_for(corpus_path))
        results = [evaluation.run(queries, m) for m in (MODES if mode == "all" else (mode,))]
    except (DatasetError, ModelMissing) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"{corpus_path.parent.name}: {len(corpus)} documents ({evaluation.kind}), {len(queries)} queries")
    click.echo(f"{'mode':8} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} {'nDCG@10':>8} {'p50 ms':>7} {'p95 ms':>7}  model")
    for r in results:
        m = r.metrics
        click.echo(f"{r.mode:8} {m['recall@1']:6.3f} {m['recall@5']:6.3f} {m['recall@10']:6.3f} {m['mrr@10']:7.3f} "
                   f"{m['ndcg@10']:8.3f} {m['p50_ms']:7.1f} {m['p95_ms']:7.1f}  {r.model or '-'}")
    if evaluation.encode_seconds is not None and evaluation.encoded_now:
        rate = evaluation.encoded_now / evaluation.encode_seconds
        click.echo(f"encoded {evaluation.encoded_now} texts at {rate:.1f}/s (2 torch threads)")
    chart_path = chart_path or REPO_ROOT / "var" / "reports" / f"eval-{corpus_path.parent.name}-{queries_path.stem}.png"
    modes_chart({r.mode: r.metrics for r in results}, chart_path, f"{corpus_path.parent.name} ({queries_path.name})")
    click.echo(f"chart: {chart_path}")
    if as_json:
        main = next((r for r in results if r.mode == "hybrid"), results[-1])
        payload = {**main.as_json(), "mode": main.mode, "kind": main.kind, "queries": main.queries}
        if len(results) > 1:
            payload["modes"] = {r.mode: r.as_json() for r in results}
        click.echo(json.dumps(payload, ensure_ascii=False))


@group.command("train")
@click.option("--recipe", "recipe_name", default="retrieval", show_default=True,
              help="A recipe of knowledge/training.py (RECIPES).")
@click.option("--seed", default=13, show_default=True, help="Fixed seed: same data + seed = same model.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default var/models/<recipe name>).")
def train(recipe_name: str, seed: int, out_dir: Path | None) -> None:
    """Fine-tune the retrieval encoder from a recipe (knowledge/training.py), e.g. the committed `retrieval`.

    Writes the model and manifest.json (data hashes, seed, recipe) to var/models/<name>/. Needs the
    public sets in ../shared/benchmarks (or $YIBAO_BENCHMARKS_DIR); exits 2 when they are absent.
    """
    from knowledge.encoder import ModelMissing
    from knowledge.training import RECIPES, TrainingDataMissing
    from knowledge.training import train as run_training

    if recipe_name not in RECIPES:
        click.echo(f"error: unknown recipe {recipe_name!r}; known: {', '.join(RECIPES)}", err=True)
        sys.exit(1)
    try:
        path = run_training(recipe_name, seed=seed, out_dir=out_dir)
    except TrainingDataMissing as exc:
        click.echo(f"skipped: {exc}", err=True)
        sys.exit(2)
    except ModelMissing as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"model written to {path}")
