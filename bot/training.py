"""Train the Rasa model only when its inputs changed: models/<content hash>.tar.gz.

Pure standard library, so both environments can ask for the model path; training itself runs
`rasa train` from .venv-rasa. Usage: `.venv-rasa/bin/python -m bot.training` (prints the path).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO_ROOT / "models"

#: Everything that changes what `rasa train` produces.
INPUTS = (
    "config.yml",
    "bot/domain",
    "bot/data",
    "bot/components",
    "knowledge/normalize.py",
    "knowledge/dictionary/dialect.yml",
    "knowledge/dictionary/jieba",
    "privacy/redact.py",
    "requirements/rasa.txt",
)


def content_hash() -> str:
    """SHA-256 over the training inputs' paths and bytes (first 16 hex digits)."""
    digest = hashlib.sha256()
    for name in INPUTS:
        path = REPO_ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(str(file.relative_to(REPO_ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def model_path() -> Path:
    """Where the model for the current inputs lives (it may not be trained yet)."""
    return MODELS_DIR / f"bot-{content_hash()}.tar.gz"


def ensure_trained() -> Path:
    """Train unless a model for the current inputs exists; returns its path."""
    target = model_path()
    if target.exists():
        return target
    rasa = Path(sys.executable).parent / "rasa"
    command = [
        str(rasa), "train", "--config", "config.yml", "--domain", "bot/domain", "--data", "bot/data",
        "--out", str(MODELS_DIR), "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    print(f"training the Rasa model ({target.name}); this takes a few minutes the first time", flush=True)
    subprocess.run(command, cwd=REPO_ROOT, env=env, check=True)
    return target


if __name__ == "__main__":
    print(ensure_trained())
