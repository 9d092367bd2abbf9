"""The encoder on ONNX Runtime: the same model, exported once at setup, faster on this CPU.

Encoding one resident question on one thread: torch 20 ms p50 / 24 ms p95, the same graph on ONNX
Runtime 8 ms / 10 ms, vectors equal to 2e-7 (BENCHMARKS.md, "Query encoder"). Batches of ~140-character
passages on 2 threads: torch 37/s at its batch size 64 (46/s at 32), ONNX Runtime 57/s in batches of
16 texts of similar length. `export` writes
``<model>/onnx/model.onnx`` with the L2 normalisation inside the graph and a stamp naming the
model's manifest, so a model retrained or reinstalled later is never served by a stale graph.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

ONNX_DIR = "onnx"
GRAPH_FILE = "model.onnx"
STAMP_FILE = "stamp.json"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
#: Texts the export is checked on: short, typical and long resident questions.
CHECK_TEXTS = ("慢病卡", "去外省住院怎么报销", "我在嘉鱼参保的，去武汉住院需要办理异地就医备案吗，怎么办理比较快？" * 3)
MAX_DIFFERENCE = 1e-4


class ExportMismatch(RuntimeError):
    """The exported graph does not reproduce the torch model's vectors."""


def _model_stamp(model_dir: Path) -> str:
    manifest = model_dir / "manifest.json"
    weights = model_dir / "model.safetensors"
    source = manifest if manifest.exists() else weights
    return hashlib.sha256(source.read_bytes()).hexdigest()


def exported_graph(model_dir: Path) -> Path | None:
    """The model's exported graph when it exists and was made from this very model, else None."""
    folder = Path(model_dir) / ONNX_DIR
    graph, stamp = folder / GRAPH_FILE, folder / STAMP_FILE
    if not graph.exists() or not stamp.exists():
        return None
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8")).get("model_sha256")
    except (OSError, ValueError):
        return None
    return graph if recorded == _model_stamp(Path(model_dir)) else None


def export(model_dir: Path, max_seq_length: int = 128) -> Path:
    """Export ``model_dir`` (a sentence-transformers folder) to ONNX, check it, and return the graph's path.

    A no-op when a current export exists. Written to a temporary name and renamed, so a crash never
    leaves a half-written graph behind.

    Raises:
        ExportMismatch: the graph's vectors differ from torch's by more than MAX_DIFFERENCE.
    """
    import torch
    from sentence_transformers import SentenceTransformer

    model_dir = Path(model_dir)
    current = exported_graph(model_dir)
    if current is not None:
        return current
    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    model.max_seq_length = max_seq_length
    model.eval()

    class Normalised(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN202
            features = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
            return torch.nn.functional.normalize(self.model(features)["sentence_embedding"], dim=-1)

    features = model.preprocess(list(CHECK_TEXTS[:2]))
    args = tuple(features.get(name, torch.zeros_like(features["input_ids"])) for name in INPUTS)
    folder = model_dir / ONNX_DIR
    folder.mkdir(exist_ok=True)
    partial = folder / f".{GRAPH_FILE}.{os.getpid()}"
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {"embedding": {0: "batch"}}
    try:
        torch.onnx.export(Normalised(), args, str(partial), input_names=list(INPUTS), output_names=["embedding"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)
        expected = model.encode(list(CHECK_TEXTS), normalize_embeddings=True, convert_to_numpy=True)
        got = OnnxEncoder(model_dir, graph=partial).encode(list(CHECK_TEXTS))
        difference = float(np.abs(expected - got).max())
        if difference > MAX_DIFFERENCE:
            raise ExportMismatch(f"ONNX export of {model_dir} differs from torch by {difference:.2e}")
        partial.rename(folder / GRAPH_FILE)
    finally:
        partial.unlink(missing_ok=True)
    stamp = {"model_sha256": _model_stamp(model_dir), "max_difference": difference, "opset": 17}
    (folder / STAMP_FILE).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    return folder / GRAPH_FILE


#: Texts per ONNX Runtime batch when encoding many (sorted by length first): fastest of 8/16/32/64 here.
BATCH_SIZE = 16


class OnnxEncoder:
    """Unit-length vectors from an exported graph on ONNX Runtime, one intra-op thread by default."""

    def __init__(self, model_dir: Path, graph: Path | None = None, threads: int = 1, max_seq_length: int = 128) -> None:
        import onnxruntime
        from transformers import AutoTokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        graph = graph or Path(model_dir) / ONNX_DIR / GRAPH_FILE
        self._session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self._tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.max_seq_length = max_seq_length

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts`` (n × dim float32), padded to the longest."""
        tokens = self._tokenizer(texts, return_tensors="np", truncation=True, max_length=self.max_seq_length,
                                 padding=True)
        feed = {name: np.asarray(tokens.get(name, np.zeros_like(tokens["input_ids"])), dtype=np.int64)
                for name in INPUTS}
        return np.asarray(self._session.run(None, feed)[0], dtype=np.float32)

    def encode_many(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Embeddings of ``texts`` in their order, encoded in batches of texts of similar length."""
        from tqdm import tqdm

        out = np.zeros((len(texts), self._session.get_outputs()[0].shape[-1]), dtype=np.float32)  # static in the graph
        order = np.argsort([len(text) for text in texts], kind="stable")
        starts = range(0, len(texts), BATCH_SIZE)
        for start in tqdm(starts, desc="encoding", unit="batch", disable=not show_progress):
            rows = order[start:start + BATCH_SIZE]
            out[rows] = self.encode([texts[i] for i in rows])
        return out
