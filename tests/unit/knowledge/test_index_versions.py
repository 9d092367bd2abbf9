"""Index files and live indexes stay whole when a rebuild or a save fails half-way (issue 3)."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge import search as search_module
from knowledge.dense import DenseIndex
from knowledge.search import KnowledgeSearch, SearchSettings
from knowledge.vector_cache import VectorCache

from .conftest import make_entry


class CrashingEncoder:
    """The character encoder from conftest, failing once ``fail`` is set (a crash mid-rebuild)."""

    def __init__(self, inner) -> None:
        self.inner, self.fail = inner, False
        self.available, self.name, self.dim = True, inner.name, inner.dim

    def encode(self, texts, batch_size=64, show_progress=False):  # noqa: ARG002
        if self.fail:
            raise RuntimeError("killed while encoding")
        return self.inner.encode(texts)

    def encode_query(self, text):
        return self.inner.encode_query(text)


def test_a_crash_while_saving_keeps_the_previous_cache_file(tmp_path, encoder, monkeypatch):
    cache = VectorCache(tmp_path, encoder)
    cache.encode(["慢病卡刷不了"])
    before = cache.path.read_bytes()

    def crash(*args, **kwargs):  # noqa: ARG001
        raise OSError("disk full while writing")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError):
        cache.encode(["异地就医怎么备案"])
    assert cache.path.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp"))  # no half-written file left behind
    monkeypatch.undo()
    assert VectorCache(tmp_path, encoder).has("慢病卡刷不了")


def test_each_model_has_its_own_cache_file(tmp_path, encoder):
    other = type("Other", (), {"name": "other-model", "available": True})()
    assert VectorCache(tmp_path, encoder).path != VectorCache(tmp_path, other).path


def test_a_failed_rebuild_leaves_the_live_index_serving(entries, encoder, tmp_path):
    crashing = CrashingEncoder(encoder)
    live = KnowledgeSearch(entries, crashing, VectorCache(tmp_path, crashing), SearchSettings(threshold=0.45))
    version = live.version
    crashing.fail = True
    new = make_entry("maternity-002", "生育津贴怎么领", ["生育津贴", "产假工资", "生孩子补贴", "生育金", "津贴领取"],
                     "生育津贴由单位申领。")
    with pytest.raises(RuntimeError):
        live.upsert(new)
    assert live.version == version
    assert "maternity-002" not in live.entries
    assert live.search("我的慢病卡刷不了")[0].entry.id == "chronic_card_failure-001"


def test_the_swap_happens_only_after_the_new_build_is_complete(entries, monkeypatch):
    live = KnowledgeSearch(entries, None, settings=SearchSettings(threshold=0.45))
    seen = []
    original = search_module._Indexed.__init__

    def observe(self, *args, **kwargs):
        seen.append(set(live.entries))  # while the new build runs, searches still see the old entries
        original(self, *args, **kwargs)

    monkeypatch.setattr(search_module._Indexed, "__init__", observe)
    live.retire("deductible_cap-001")
    assert "deductible_cap-001" in seen[0]
    assert "deductible_cap-001" not in live.entries


@pytest.mark.parametrize("kind", ["exact", "hnsw"])
def test_exact_and_approximate_dense_indexes_agree_on_a_small_set(kind):
    rng = np.random.default_rng(13)
    vectors = rng.normal(size=(500, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = DenseIndex(32, kind=kind)
    index.build(vectors)
    scores, positions = index.search(vectors[7], 5)
    assert positions[0] == 7 and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert len(positions) == 5


def test_auto_picks_the_approximate_index_for_large_collections(monkeypatch):
    monkeypatch.setattr("knowledge.dense.APPROXIMATE_FROM", 10)
    small, large = DenseIndex(4), DenseIndex(4)
    small.build(np.eye(4, dtype=np.float32))
    large.build(np.tile(np.eye(4, dtype=np.float32), (3, 1)))
    assert type(small._index).__name__ == "IndexFlatIP"
    assert type(large._index).__name__ == "IndexHNSWFlat"
    with pytest.raises(ValueError, match="unknown dense index kind"):
        DenseIndex(4, kind="ivf")
