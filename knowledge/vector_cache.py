"""Cache of text embeddings on disk, keyed by model and text, written atomically.

Restarting the app re-encodes only texts it has not seen. The file is replaced in one
os.replace, so a crash while saving leaves the previous complete file in use, never a half one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from knowledge.encoder import Encoder

#: Texts encoded between two saves of the cache.
CHUNK = 2048


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class VectorCache:
    """Embeddings of texts under ``directory``/<model name>.npz."""

    def __init__(self, directory: Path, encoder: Encoder) -> None:
        self.encoder = encoder
        self.path = Path(directory) / f"vectors-{encoder.name}.npz"
        self._vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path) as data:
                self._vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def has(self, text: str) -> bool:
        """True when ``text``'s vector is cached."""
        return _key(text) in self._vectors

    def encode(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        """Vectors of ``texts``, encoding and remembering only the missing ones.

        Missing texts are encoded in chunks and the cache is saved after each, so an interrupted
        long encoding (27k passages take minutes) resumes where it stopped.
        """
        missing = sorted({text for text in texts if _key(text) not in self._vectors})
        if missing:
            progress = tqdm(total=len(missing), desc="encoding", unit="text", disable=not show_progress)
            for start in range(0, len(missing), CHUNK):
                chunk = missing[start : start + CHUNK]
                fresh = self.encoder.encode(chunk)
                for text, vector in zip(chunk, fresh, strict=True):
                    self._vectors[_key(text)] = vector
                self.save()
                progress.update(len(chunk))
            progress.close()
        return np.stack([self._vectors[_key(text)] for text in texts]) if texts else np.zeros((0, 0), np.float32)

    def save(self) -> None:
        """Write the cache atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors), dtype="U40")
        vectors = np.stack(list(self._vectors.values())).astype(np.float32)
        handle, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz.tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, keys=keys, vectors=vectors)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
