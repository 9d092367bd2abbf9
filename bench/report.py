"""Shared helpers for benchmark scripts: percentiles, a results section in BENCHMARKS.md, charts."""

from __future__ import annotations

import json
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = REPO_ROOT / "BENCHMARKS.md"
RESULTS_DIR = REPO_ROOT / "bench" / "results"


def percentiles(values_ms: list[float]) -> dict[str, float]:
    """p50/p95/p99 and mean of a list of milliseconds."""
    array = np.asarray(values_ms, dtype=float)
    return {
        "p50_ms": round(float(np.percentile(array, 50)), 1),
        "p95_ms": round(float(np.percentile(array, 95)), 1),
        "p99_ms": round(float(np.percentile(array, 99)), 1),
        "mean_ms": round(float(array.mean()), 1),
    }


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def save_json(name: str, payload: dict) -> Path:
    """Write ``bench/results/<name>.json`` (committed: the figures BENCHMARKS.md quotes)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def update_section(name: str, body: str, remeasured: bool = True) -> None:
    """Replace (or append) the section between <!-- name:start --> and <!-- name:end --> in BENCHMARKS.md.

    The section's first line says when and where it was measured; ``remeasured=False`` (a report rewritten
    from saved results) keeps the line the section already has.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    earlier = pattern.search(text)
    kept = re.search(r"^_Measured .*_$", earlier.group(0), re.M) if earlier and not remeasured else None
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    stamp_line = kept.group(0) if kept else f"_Measured {now} on {machine()}._"
    block = f"{start}\n{stamp_line}\n\n{body.strip()}\n{end}"
    text = pattern.sub(lambda _: block, text) if earlier else text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(text, encoding="utf-8")
