"""The query path's ONNX export: same vectors as torch, rebuilt when the model changes, torch as fallback.

Runs on a copy of the converted base model (built by `make model`), exported into a temporary folder.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from knowledge.devset import load_devset
from knowledge.encoder import DEFAULT_MODEL_DIR, Encoder
from knowledge.onnx_encoder import ONNX_DIR, export, exported_graph
from tests.conftest import IN_CI


@pytest.fixture(scope="module")
def model_copy(tmp_path_factory):
    if not (DEFAULT_MODEL_DIR / "modules.json").exists():
        message = f"no embedding model at {DEFAULT_MODEL_DIR}; run `make model`"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: the model must be built)")
        pytest.skip(message)
    target = tmp_path_factory.mktemp("onnx") / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, target, ignore=shutil.ignore_patterns(ONNX_DIR))
    export(target)
    return target


def test_single_queries_on_onnx_get_the_torch_vectors(model_copy, monkeypatch):
    questions = [item.question for item in load_devset()][:60]
    onnx = Encoder(model_copy)
    assert onnx.query_backend == "onnx"
    torch = Encoder(model_copy, query_backend="torch")
    assert torch.query_backend == "torch"
    monkeypatch.setenv("YIBAO_QUERY_ENCODER", "torch")
    assert Encoder(model_copy).query_backend == "torch"
    got = np.stack([onnx.encode_query(q) for q in questions])
    expected = np.stack([torch.encode_query(q) for q in questions])
    assert got.shape == (60, 384)
    assert np.abs(got - expected).max() < 1e-4
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_a_changed_model_is_not_served_by_its_old_graph(model_copy, tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(model_copy, changed)
    assert exported_graph(changed) is not None
    (changed / "manifest.json").write_text('{"name": "retrained"}', encoding="utf-8")
    assert exported_graph(changed) is None
    assert Encoder(changed).query_backend == "torch"
    export(changed)
    assert Encoder(changed).query_backend == "onnx"


def test_batches_on_onnx_keep_the_order_and_the_torch_vectors(model_copy):
    texts = [item.question for item in load_devset()][:40] + ["医保" * n for n in (1, 30, 80)]
    got = Encoder(model_copy).encode(texts)
    expected = Encoder(model_copy, query_backend="torch").encode(texts)
    assert got.shape == expected.shape == (43, 384)
    assert np.abs(got - expected).max() < 1e-4
    assert Encoder(model_copy).encode([]).shape == (0, 384)
