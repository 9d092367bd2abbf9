"""The hand-judged CHIP2019 sample: scoring rules and the committed judgments' consistency."""

from __future__ import annotations

import pytest

from bench.chip2019_judged import JUDGED_FILE, JudgedQuery, load_judgments, score_top
from knowledge import beir


def _query(qid: str, relevant: set[str], judged: dict[str, bool]) -> JudgedQuery:
    return JudgedQuery(qid, "糖尿病能吃西瓜吗", frozenset(relevant), judged)


def test_top_results_count_by_labels_then_judgments_and_unjudged_are_listed() -> None:
    queries = [
        _query("q1", {"d1"}, {}),  # labelled
        _query("q2", {"d1"}, {"d2": True}),  # judged same question
        _query("q3", {"d1"}, {"d3": False}),  # judged different
        _query("q4", {"d1"}, {}),  # nobody judged d4
        _query("q5", {"d1"}, {}),  # nothing retrieved
    ]
    scores = score_top(["d1", "d2", "d3", "d4", None], queries)
    assert scores["labelled_hit@1"] == 0.2
    assert scores["judged_hit@1"] == 0.4
    assert scores["unjudged"] == [{"query": "q4", "document": "d4"}]


def test_committed_judgments_concern_unlabelled_documents_of_the_tuning_half() -> None:
    folder = beir.benchmarks_dir() / "chip2019_med_qq"
    if not folder.is_dir():
        pytest.skip(f"public benchmark sets not found at {folder}")
    _, tuning = beir.split_valid(beir.load_queries(folder / "queries_valid.jsonl"))
    corpus_ids = set(beir.load_corpus(folder / "corpus.jsonl").ids)
    judged = load_judgments(JUDGED_FILE, tuning)
    assert len(judged) == 80
    assert sum(len(query.judged) for query in judged) == 111
    for query in judged:
        for document in query.judged:
            assert document in corpus_ids, (query.id, document)
            assert document not in query.relevant, (query.id, document)
