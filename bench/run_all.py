"""`make bench`: every single-stack benchmark in turn (the cluster's run under `make bench-cluster`).

Each benchmark writes its own section of BENCHMARKS.md and its files under bench/results/. The
public retrieval sets are measured only when ../shared/benchmarks is present; tuning
(bench/retrieval_tune.py) is not rerun here because it rewrites knowledge/fusion.yml.
"""

from __future__ import annotations

import subprocess
import sys

from bench.report import REPO_ROOT
from knowledge.beir import benchmarks_dir

#: (module, arguments) in the order they run; the slow public-set evaluation comes last.
BENCHMARKS: list[tuple[str, list[str]]] = [
    ("bench.retrieval_devset", []),
    ("bench.rest_latency", ["-n", "300"]),
    ("bench.wechat_load", ["-r", "20", "-m", "10"]),
    ("bench.retrieval_scale", []),
]


def main() -> None:
    """Run each benchmark as its own process; exit non-zero when any failed, after running the rest."""
    runs = list(BENCHMARKS)
    if benchmarks_dir().is_dir():
        runs.append(("bench.retrieval_public", []))
    else:
        print(f"public retrieval sets not found at {benchmarks_dir()}: bench.retrieval_public skipped")
    failed = []
    for module, args in runs:
        print(f"== {module} {' '.join(args)}", flush=True)
        if subprocess.run([sys.executable, "-m", module, *args], cwd=REPO_ROOT).returncode != 0:
            failed.append(module)
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
