"""`yibao kb`: check and search the knowledge base."""

from __future__ import annotations

import sys

import click

from knowledge.entries import EntryError, load_entries


@click.group("kb")
def group() -> None:
    """Knowledge base: check, search, evaluate."""


@group.command("check")
def check() -> None:
    """Validate every entry file; exit 1 with the file and problem on the first bad one."""
    try:
        entries = load_entries()
    except EntryError as exc:
        click.echo(f"error: {exc}", err=True)
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
