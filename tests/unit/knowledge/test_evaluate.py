import json

import pytest
from click.testing import CliRunner

from cli.kb import group
from knowledge import beir, metrics
from knowledge.beir import Corpus, Query
from knowledge.evaluate import Evaluation
from knowledge.fusion import Weights

from .conftest import CharacterEncoder

CORPUS = [
    ("d1", "慢病卡刷不了怎么办"),
    ("d2", "异地就医怎么备案"),
    ("d3", "起付线是多少钱"),
    ("d4", "生孩子能报销吗"),
    ("d5", "门诊慢特病认定需要什么材料"),
    ("d6", "住院报销比例是多少"),
]
QUERIES = [
    ("q1", "我的慢病卡刷不了", ["d1"]),
    ("q2", "去外地看病要备案吗", ["d2"]),
    ("q3", "住院能报销多少", ["d6", "d3"]),
]


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "toy_set"
    folder.mkdir()
    (folder / "corpus.jsonl").write_text(
        "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in CORPUS), encoding="utf-8"
    )
    (folder / "queries.jsonl").write_text(
        "\n".join(json.dumps({"id": i, "text": t, "relevant_ids": r}, ensure_ascii=False) for i, t, r in QUERIES)
        + '\n{"id": "q9", "text": "没有答案", "relevant_ids": []}\n',
        encoding="utf-8",
    )
    return folder / "corpus.jsonl", folder / "queries.jsonl"


def test_metrics_on_a_hand_computed_ranking():
    ranked, relevant = ["a", "b", "c", "d"], {"b", "d", "z"}
    assert metrics.recall_at(ranked, relevant, 1) == 0
    assert metrics.recall_at(ranked, relevant, 10) == pytest.approx(2 / 3)
    assert metrics.reciprocal_rank_at(ranked, relevant, 10) == 0.5
    assert metrics.reciprocal_rank_at(ranked, relevant, 1) == 0
    ideal = 1 + 1 / 1.5849625 + 1 / 2
    assert metrics.ndcg_at(ranked, relevant, 10) == pytest.approx((1 / 1.5849625 + 1 / 2.3219281) / ideal, rel=1e-5)
    assert metrics.ndcg_at(["b", "d", "z"], relevant, 10) == pytest.approx(1.0)
    summary = metrics.summarise([ranked, []], [relevant, {"x"}])
    assert summary["mrr@10"] == pytest.approx(0.25)
    assert set(summary) == {"recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"}


def test_loading_drops_queries_without_answers_and_detects_the_kind(files):
    corpus_path, queries_path = files
    corpus, queries = beir.load_corpus(corpus_path), beir.load_queries(queries_path)
    assert len(corpus) == 6 and [q.id for q in queries] == ["q1", "q2", "q3"]
    assert corpus.kind() == "questions"
    assert Corpus(["p"], ["长" * 200]).kind() == "passages"


def test_a_bad_line_names_the_file(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"id": "d1"}\n', encoding="utf-8")
    with pytest.raises(beir.DatasetError, match="corpus.jsonl"):
        beir.load_corpus(path)


def test_valid_split_is_fixed_and_disjoint():
    queries = [Query(f"v{i}", "x", frozenset({"d"})) for i in range(200)]
    train, tune = beir.split_valid(queries)
    assert not {q.id for q in train} & {q.id for q in tune}
    assert 70 < len(train) < 130
    assert beir.split_valid(queries) == (train, tune)


@pytest.mark.parametrize("mode", ["bm25", "lexical", "dense", "hybrid"])
def test_every_mode_finds_the_obvious_documents(files, mode):
    corpus_path, queries_path = files
    evaluation = Evaluation(beir.load_corpus(corpus_path), "questions", CharacterEncoder(), show_progress=False)
    result = evaluation.run(beir.load_queries(queries_path), mode)
    assert result.metrics["recall@10"] > 0.6
    assert result.metrics["mrr@10"] > 0.5
    assert result.metrics["p95_ms"] >= result.metrics["p50_ms"] > 0
    assert (result.model is not None) == (mode in ("dense", "hybrid"))


def test_explicit_weights_override_the_mode(files):
    corpus_path, queries_path = files
    evaluation = Evaluation(beir.load_corpus(corpus_path), "questions", CharacterEncoder(), show_progress=False)
    result = evaluation.run(beir.load_queries(queries_path), "hybrid", Weights(dense=0.0, words=0.0, chars=1.0))
    assert result.extra["weights"] == {"dense": 0.0, "words": 0.0, "chars": 1.0}


def test_cli_ends_with_json_and_draws_a_chart_for_several_modes(files, tmp_path, monkeypatch):
    monkeypatch.setattr("knowledge.evaluate.Encoder", CharacterEncoder)
    monkeypatch.setattr("knowledge.evaluate.VECTOR_CACHE_DIR", tmp_path / "vectors")
    corpus_path, queries_path = files
    chart = tmp_path / "modes.png"
    result = CliRunner().invoke(
        group, ["eval", "--corpus", str(corpus_path), "--queries", str(queries_path), "--mode", "all",
                "--json", "--chart", str(chart)],
    )
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    for key in ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "p50_ms", "p95_ms"):
        assert isinstance(last[key], float)
    assert set(last["modes"]) == {"bm25", "lexical", "dense", "hybrid"}
    assert chart.stat().st_size > 1000


def test_cli_draws_its_chart_for_one_mode_too(files, tmp_path, monkeypatch):
    monkeypatch.setattr("cli.kb.REPO_ROOT", tmp_path)
    corpus_path, queries_path = files
    result = CliRunner().invoke(group, ["eval", "--corpus", str(corpus_path), "--queries", str(queries_path),
                                        "--mode", "bm25", "--json"])
    assert result.exit_code == 0, result.output
    chart = tmp_path / "var" / "reports" / "eval-toy_set-queries.png"
    assert chart.stat().st_size > 1000
    assert json.loads(result.output.strip().splitlines()[-1])["mode"] == "bm25"


def test_cli_fails_on_a_broken_file(tmp_path):
    bad = tmp_path / "corpus.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    result = CliRunner().invoke(group, ["eval", "--corpus", str(bad), "--queries", str(bad), "--mode", "bm25"])
    assert result.exit_code == 1
    assert "not JSON" in result.output
