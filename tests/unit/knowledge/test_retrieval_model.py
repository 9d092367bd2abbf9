"""Trained weights reach a fresh machine: pack as float16 + manifest, install over the base folder.

Uses a tiny stand-in model folder (two safetensors files, as a sentence-transformers folder has),
so the round trip runs without the real encoder.
"""

from __future__ import annotations

import json
import random

import pytest
import torch
from safetensors.torch import load_file, save_file

from knowledge import retrieval_model, training_data
from knowledge.retrieval_model import PackError, install, pack, packed_names


def _model_folder(path, seed: int, manifest: dict | None = None):
    generator = torch.Generator().manual_seed(seed)
    (path / "2_Dense").mkdir(parents=True)
    save_file({"encoder.weight": torch.randn(8, 4, generator=generator), "position_ids": torch.arange(4)},
              str(path / "model.safetensors"))
    save_file({"linear.weight": torch.randn(4, 4, generator=generator)}, str(path / "2_Dense" / "model.safetensors"))
    (path / "modules.json").write_text("[]", encoding="utf-8")
    if manifest is not None:
        (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path


@pytest.fixture
def packed(tmp_path):
    trained = _model_folder(tmp_path / "trained", seed=1, manifest={"name": "toy", "seed": 13})
    weights_dir = tmp_path / "weights"
    return trained, weights_dir, pack(trained, weights_dir)


def test_pack_writes_float16_weights_and_a_manifest_with_their_hash(packed):
    trained, weights_dir, target = packed
    manifest = json.loads((weights_dir / "toy.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 13 and manifest["packed_dtype"] == "float16"
    assert len(manifest["packed_sha256"]) == 64
    tensors = load_file(str(target))
    assert tensors["model.safetensors::encoder.weight"].dtype == torch.float16
    assert tensors["model.safetensors::position_ids"].dtype == torch.int64
    assert packed_names(weights_dir) == ["toy"]


def test_install_rebuilds_the_trained_weights_over_the_base_folder(packed, tmp_path):
    trained, weights_dir, _ = packed
    base = _model_folder(tmp_path / "base", seed=2)
    models = tmp_path / "models"
    models.mkdir()
    target = install("toy", base, models, weights_dir)
    original = load_file(str(trained / "model.safetensors"))["encoder.weight"]
    installed = load_file(str(target / "model.safetensors"))["encoder.weight"]
    assert installed.dtype == torch.float32
    assert torch.equal(installed, original.to(torch.float16).to(torch.float32))
    assert not torch.equal(installed, load_file(str(base / "model.safetensors"))["encoder.weight"])
    assert (target / "modules.json").exists()
    stamp = (target / "model.safetensors").stat().st_mtime_ns
    assert install("toy", base, models, weights_dir) == target  # current: nothing rewritten
    assert (target / "model.safetensors").stat().st_mtime_ns == stamp
    assert not [p for p in models.iterdir() if p.name.startswith(".")]  # no staging folder left


def test_install_refuses_weights_that_do_not_match_their_manifest(packed, tmp_path):
    _, weights_dir, target = packed
    data = target.read_bytes()
    target.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    models = tmp_path / "models"
    models.mkdir()
    with pytest.raises(PackError):
        install("toy", _model_folder(tmp_path / "base", seed=2), models, weights_dir)
    assert not (models / "toy").exists()


def test_committed_weights_have_a_manifest_with_recipe_and_data_hashes():
    for name in packed_names():
        manifest = json.loads((retrieval_model.WEIGHTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        assert manifest["name"] == name and isinstance(manifest["seed"], int)
        assert manifest["recipe"]["sources"] and manifest["data"] and manifest["knowledge_base_sha256"]


def test_batches_keep_one_source_each_and_no_repeated_text():
    sets = [
        training_data.PairSet("a", [(f"q{i}", f"p{i % 5}") for i in range(40)]),
        training_data.PairSet("b", [(f"x{i}", f"y{i}", f"n{i}") for i in range(30)]),
    ]
    plan = training_data.batches(sets, 8, random.Random(3), lambda name: 2 if name == "b" else 1)
    assert plan == training_data.batches(sets, 8, random.Random(3), lambda name: 2 if name == "b" else 1)
    for source, batch in plan:
        texts = [text for pair in batch for text in pair]
        assert len(texts) == len(set(texts))
        assert all(pair[0][0] == ("q" if source == "a" else "x") for pair in batch)
    assert sum(len(batch) for source, batch in plan if source == "b") == 60
