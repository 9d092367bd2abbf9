"""Sentence encoder front: turns texts into unit-length vectors with the project's RoFormer-Sim model.

The base folder is built at setup by knowledge/embedding_model.py and the trained retrieval model
installed beside it by knowledge/retrieval_model.py (see README, "Retrieval models"). Loading is lazy
and happens once. Texts are encoded on the model's ONNX export when setup made one
(knowledge/onnx_encoder.py: same vectors, faster here; single queries on one thread, batches on two);
YIBAO_QUERY_ENCODER=torch keeps everything on torch.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_DIR = REPO_ROOT / "var" / "models" / "roformer-sim-small"


def model_dir() -> Path:
    """Where the embedding model lives: $YIBAO_MODEL_DIR, else the trained retrieval model named in
    knowledge/fusion.yml (`model:`) when it is installed under var/models/, else the converted base model."""
    if "YIBAO_MODEL_DIR" in os.environ:
        return Path(os.environ["YIBAO_MODEL_DIR"])
    from knowledge.fusion import configured_model

    name = configured_model()
    trained = REPO_ROOT / "var" / "models" / name if name else None
    return trained if trained is not None and (trained / "modules.json").exists() else DEFAULT_MODEL_DIR


class ModelMissing(RuntimeError):
    """The embedding model has not been built (run `make model`)."""


class Encoder:
    """Encodes texts with a sentence-transformers model; vectors are L2-normalised float32."""

    def __init__(self, path: Path | None = None, max_seq_length: int = 128, query_backend: str | None = None) -> None:
        """``query_backend`` "torch" keeps single queries on torch; default: $YIBAO_QUERY_ENCODER, else "onnx"."""
        self.path = Path(path or model_dir())
        self._wanted_backend = query_backend or os.environ.get("YIBAO_QUERY_ENCODER", "onnx")
        self.max_seq_length = max_seq_length
        self._model = None
        self._query_encoder = None
        self._batch_encoder = None

    @property
    def available(self) -> bool:
        """True when the model files are present."""
        return (self.path / "modules.json").exists()

    @property
    def name(self) -> str:
        """A short identity of the model, used to key cached vectors."""
        manifest = self.path / "manifest.json"
        stamp = manifest.read_text(encoding="utf-8") if manifest.exists() else str(self.path)
        import hashlib

        return hashlib.sha1(stamp.encode()).hexdigest()[:12]

    def _load(self):  # noqa: ANN202 - SentenceTransformer, imported lazily
        if self._model is None:
            if not self.available:
                raise ModelMissing(f"no embedding model at {self.path}; run `make model`")
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
            self._model.max_seq_length = self.max_seq_length
        return self._model

    @property
    def dim(self) -> int:
        return int(self._load().get_sentence_embedding_dimension())

    def encode(self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """Unit-length embeddings of ``texts`` (n × dim float32); on the ONNX export with 2 threads when there is one."""
        if self._onnx() is not None:
            if self._batch_encoder is None:
                from knowledge.onnx_encoder import OnnxEncoder

                self._batch_encoder = OnnxEncoder(self.path, threads=2, max_seq_length=self.max_seq_length)
            return self._batch_encoder.encode_many(list(texts), show_progress)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    @property
    def query_backend(self) -> str:
        """Where queries and batches run: "onnx" (the model's ONNX export) or "torch"."""
        return "onnx" if self._onnx() is not None else "torch"

    def _onnx(self):  # noqa: ANN202 - OnnxEncoder, imported lazily
        if self._query_encoder is None:
            from knowledge.onnx_encoder import OnnxEncoder, exported_graph

            graph = exported_graph(self.path) if self._wanted_backend == "onnx" else None
            self._query_encoder = OnnxEncoder(self.path, graph, max_seq_length=self.max_seq_length) if graph else False
        return self._query_encoder or None

    def encode_query(self, text: str) -> np.ndarray:
        """Embedding of one text (dim,), for the query path."""
        onnx = self._onnx()  # None without an export; then torch, which raises ModelMissing without a model
        return onnx.encode([text])[0] if onnx is not None else self.encode([text], batch_size=1)[0]


def use_threads(count: int) -> None:
    """Set torch's and FAISS's threads: 1 for serving single queries, 2 for batch work here.

    One query against 30,000 vectors took FAISS 4.9 ms on 2 OpenMP threads and 2.8 ms on one.
    """
    import faiss
    import torch

    torch.set_num_threads(count)
    faiss.omp_set_num_threads(count)
